package dev.vigil.storage;

import dev.vigil.local.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.FaultyProxy;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.hamcrest.CustomTypeSafeMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * The storage service reaching a real S3 endpoint through a proxy that fails like a network does:
 * a connection dying mid-upload, and the store gone for a while. Nothing is lost, nothing is stored twice.
 */
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=storage-service")
class StoreOutageTest {

    /** Granted before the service starts, so it has read them when the first request comes. */
    private static final String VIEWER = TestTokens.viewer();

    private static final String BUCKET = "outage-test";
    private static final FaultyProxy proxy = FaultyProxy.start("127.0.0.1", LocalS3.shared().port());
    private static final S3Client direct = LocalS3.shared().client();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, StorageApplication.NAME, "storage_outage_test");
        registry.add("vigil.storage.endpoint", proxy::endpoint);
        registry.add("vigil.storage.bucket", () -> BUCKET);
        registry.add("vigil.staging.dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "staging").toString());
        registry.add("vigil.storage.create-bucket", () -> "true");
        registry.add("vigil.storage.part-size-mb", () -> "5");
        registry.add("vigil.storage.max-parts", () -> "1000");
        registry.add("vigil.storage.upload.attempts", () -> "2");
        registry.add("vigil.storage.upload.initial-backoff", () -> "100ms");
        registry.add("vigil.storage.upload.circuit-open-for", () -> "1s");
        registry.add("vigil.storage.upload.pending-initial-wait", () -> "300ms");
        registry.add("vigil.storage.upload.pending-max-wait", () -> "1s");
        registry.add("vigil.storage.upload.pending-check", () -> "200ms");
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
        direct.close();
    }

    @Test
    void aConnectionDyingMidUploadLeavesNoIncompleteUploadAndTheArtifactIsStoredOnRetry(CapturedOutput output) throws Exception {
        byte[] bytes = new byte[17 * 1024 * 1024];
        new Random(3).nextBytes(bytes);
        ArtifactCreated created = created("outage-midway", bytes);
        // Cut every connection 8 MiB into the upload, and stay down for 2 s: the abort of the broken upload cannot get through either.
        proxy.cutAfter(8L * 1024 * 1024, Duration.ofSeconds(2));

        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, created.targetId().value(), EventJson.writeString(created));

        ArtifactStored stored = awaitStored(created.jobId());
        var object = direct.getObjectAsBytes(b -> b.bucket(BUCKET).key(stored.location().key()));
        assertThat(Sha256.of(object.asByteArray())).isEqualTo(created.artifact().sha256());
        assertThat(object.response().metadata()).containsEntry("sha256", created.artifact().sha256());
        assertThat(direct.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).as("incomplete multipart uploads").isEmpty();
        assertThat(output.getAll()).contains("object store unavailable for job " + created.jobId())
                .contains("aborted 1 incomplete upload(s) of " + stored.location().key());
        assertThat(Path.of(URI.create(created.stagingUri()))).as("staging, cleaned once stored").doesNotExist();
    }

    @Test
    void whileTheStoreIsDownArtifactsWaitInStagingAndAreEachStoredOnceWhenItReturns() throws Exception {
        List<ArtifactCreated> produced = new ArrayList<>();
        for (String target : List.of("outage-a", "outage-b", "outage-a")) {
            produced.add(created(target, ("a backup of " + target + " " + JobId.random()).getBytes()));
        }
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_STORED, Topics.BACKUP_FAILED)) {
            proxy.down();
            try {
                for (ArtifactCreated created : produced) {
                    KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, created.targetId().value(), EventJson.writeString(created));
                }
                JsonNode waiting = awaitHealth("3 artifacts waiting in staging", h -> h.get("pendingUploads").asInt() == 3);
                assertThat(waiting.get("circuit").asString()).as("the circuit, open or letting one call try").isIn("OPEN", "HALF_OPEN");
                assertThat(probe.seen(Duration.ofMillis(500))).as("nothing stored, nothing failed while the store is down")
                        .noneMatch(r -> produced.stream().anyMatch(c -> r.value().contains(c.jobId().toString())));
                assertThat(produced).allSatisfy(c -> assertThat(Path.of(URI.create(c.stagingUri()))).exists());
            } finally {
                proxy.up();
            }

            for (ArtifactCreated created : produced) {
                KafkaProbe.Seen seen = probe.await(r -> r.value().contains(created.jobId().toString()), Duration.ofSeconds(60));
                assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.ARTIFACT_STORED);
            }
            assertThat(probe.seen(Duration.ofSeconds(1))).filteredOn(r -> produced.stream().anyMatch(c -> r.value().contains(c.jobId().toString())))
                    .as("each stored once").hasSize(3);
        }
        for (ArtifactCreated created : produced) {
            assertThat(direct.listObjectsV2(b -> b.bucket(BUCKET).prefix(created.targetId().value() + "/")).contents())
                    .filteredOn(o -> o.key().contains(created.jobId().toString()) && !o.key().endsWith(".manifest.json")).hasSize(1);
            assertThat(Path.of(URI.create(created.stagingUri()))).doesNotExist();
        }
        JsonNode recovered = awaitHealth("no artifact waiting in staging", h -> h.get("pendingUploads").asInt() == 0);
        assertThat(recovered.get("circuit").asString()).isNotEqualTo("OPEN");
    }

    /** The {@code objectStore} health component's details, once they show {@code expected}. */
    private JsonNode awaitHealth(String expected, Predicate<JsonNode> condition) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return await("objectStore health").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> objectStoreHealth(client), new CustomTypeSafeMatcher<>(expected) {
                        @Override
                        protected boolean matchesSafely(JsonNode details) {
                            return condition.test(details);
                        }
                    });
        }
    }

    private JsonNode objectStoreHealth(HttpClient client) throws Exception {
        String body = client.send(TestTokens.bearer(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")), VIEWER).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return EventJson.mapper().readTree(body).get("components").get("objectStore").get("details");
    }

    private static ArtifactCreated created(String target, byte[] bytes) throws Exception {
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "staging", target));
        JobId jobId = JobId.random();
        Path staged = Files.write(dir.resolve(jobId + ".dump"), bytes);
        return ArtifactCreated.now(jobId, new TargetId(target), staged.toUri().toString(),
                new Artifact("custom", bytes.length, Sha256.of(bytes), "15.18", "15.18", List.of(new TableRowCount("public", "t", 1))));
    }

    private static ArtifactStored awaitStored(JobId jobId) {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_STORED, Topics.BACKUP_FAILED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(60));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.ARTIFACT_STORED);
            return EventJson.read(seen.value().getBytes(), ArtifactStored.class);
        }
    }

    private static String brokers() {
        return LocalKafka.shared().bootstrapServers();
    }
}
