package dev.vigil.storage;

import dev.vigil.contracts.Sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.local.LocalS3;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** The storage service against a real broker, PostgreSQL and S3 endpoint. */
// Closed after the class, while the shared broker and database still run (they stop at JVM exit).
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=storage-service")
class StorageServiceTest {

    @Autowired
    S3Client s3;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, "storage_test");
        registry.add("vigil.storage.endpoint", () -> LocalS3.shared().endpoint());
        registry.add("vigil.storage.bucket", () -> "storage-test");
        registry.add("vigil.storage.prefix", () -> "prod");
        registry.add("vigil.storage.create-bucket", () -> "true");
    }

    @Test
    void aStagedArtifactIsUploadedWithItsChecksumCatalogedAnnouncedAndStagingCleaned() throws Exception {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        Path staged = stage(bytes);
        ArtifactCreated created = created(staged, Sha256.of(bytes));

        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(created));

        ArtifactStored stored = awaitStored(created.jobId());
        assertThat(stored.location().key()).startsWith("prod/shop/").endsWith("-" + created.jobId() + ".dump");
        assertThat(stored.artifact()).isEqualTo(created.artifact());
        ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(b -> b.bucket("storage-test").key(stored.location().key()));
        assertThat(object.asByteArray()).isEqualTo(bytes);
        assertThat(object.response().metadata()).containsEntry("sha256", Sha256.of(bytes));
        assertThat(staged).doesNotExist();
    }

    @Test
    void aRedeliveredArtifactCreatedReannouncesTheSameStoredEventAndStoresNothingTwice() throws Exception {
        byte[] bytes = "a small artifact".getBytes();
        ArtifactCreated created = created(stage(bytes), Sha256.of(bytes));
        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(created));
        ArtifactStored first = awaitStored(created.jobId());

        // The worker dumped the redelivered request again into the same staging path.
        Path restaged = Files.write(Path.of(URI.create(created.stagingUri())), bytes);
        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(created));

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_STORED)) {
            List<ArtifactStored> announcements = List.of();
            long deadline = System.currentTimeMillis() + 30_000;
            while (announcements.size() < 2 && System.currentTimeMillis() < deadline) {
                announcements = probe.seen(Duration.ofMillis(500)).stream()
                        .filter(s -> s.value().contains(created.jobId().toString()))
                        .map(s -> EventJson.read(s.value().getBytes(), ArtifactStored.class)).toList();
            }
            assertThat(announcements).hasSize(2).allSatisfy(a -> assertThat(a).isEqualTo(first));
        }
        assertThat(s3.listObjectsV2(b -> b.bucket("storage-test").prefix("prod/shop/")).contents())
                .filteredOn(o -> o.key().contains(created.jobId().toString())).hasSize(1);
        assertThat(restaged).as("the second, unneeded copy in staging").doesNotExist();
    }

    @Test
    void aStagedFileThatNoLongerMatchesTheWorkersChecksumIsNotStored() throws Exception {
        ArtifactCreated created = created(stage("damaged".getBytes()), Sha256.of("original".getBytes()));

        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(created));

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.BACKUP_FAILED)) {
            BackupFailed failed = EventJson.read(probe.await(r -> r.value().contains(created.jobId().toString()), Duration.ofSeconds(30))
                    .value().getBytes(), BackupFailed.class);
            assertThat(failed.failureClass()).isEqualTo(FailureClass.STORAGE);
            assertThat(failed.reason()).contains("SHA-256").contains("must be taken again");
        }
    }

    @Test
    void anArtifactStagedInS3IsCopiedOnlyIfItsChecksumHoldsAndStagingIsCleaned() throws Exception {
        try {
            s3.createBucket(b -> b.bucket("storage-staging"));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception exists) {
            // made by an earlier run in this JVM
        }
        byte[] bytes = new byte[6 * 1024 * 1024 + 7];
        new Random(11).nextBytes(bytes);
        JobId good = JobId.random();
        JobId damaged = JobId.random();
        for (JobId job : List.of(good, damaged)) {
            s3.putObject(b -> b.bucket("storage-staging").key("staging/shop/" + job + ".dump"), RequestBody.fromBytes(bytes));
            s3.putObject(b -> b.bucket("storage-staging").key("staging/shop/" + job + ".json"), RequestBody.fromString("{}"));
        }
        ArtifactCreated goodCreated = ArtifactCreated.now(good, new TargetId("shop"), "s3://storage-staging/staging/shop/" + good + ".dump",
                new Artifact("custom", bytes.length, Sha256.of(bytes), "15.18", "15.18", List.of(new TableRowCount("public", "t", 1))));
        ArtifactCreated damagedCreated = ArtifactCreated.now(damaged, new TargetId("shop"), "s3://storage-staging/staging/shop/" + damaged + ".dump",
                new Artifact("custom", bytes.length, Sha256.of(new byte[1]), "15.18", "15.18", List.of(new TableRowCount("public", "t", 1))));

        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(goodCreated));
        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(damagedCreated));

        ArtifactStored stored = awaitStored(good);
        assertThat(s3.getObjectAsBytes(b -> b.bucket("storage-test").key(stored.location().key())).asByteArray()).isEqualTo(bytes);
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.BACKUP_FAILED)) {
            BackupFailed failed = EventJson.read(probe.await(r -> r.value().contains(damaged.toString()), Duration.ofSeconds(30))
                    .value().getBytes(), BackupFailed.class);
            assertThat(failed.reason()).contains("SHA-256").contains("must be taken again");
        }
        assertThat(s3.listObjectsV2(b -> b.bucket("storage-test").prefix("prod/shop/")).contents())
                .noneMatch(o -> o.key().contains(damaged.toString()));
        assertThat(s3.listMultipartUploads(b -> b.bucket("storage-test")).uploads()).as("incomplete multipart uploads").isEmpty();
        assertThat(s3.listObjectsV2(b -> b.bucket("storage-staging").prefix("staging/shop/" + good)).contents())
                .as("the stored job's staging objects").isEmpty();
    }

    private static ArtifactStored awaitStored(JobId jobId) {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_STORED, Topics.BACKUP_FAILED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(30));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.ARTIFACT_STORED);
            return EventJson.read(seen.value().getBytes(), ArtifactStored.class);
        }
    }

    private static ArtifactCreated created(Path staged, String sha256) throws Exception {
        return ArtifactCreated.now(JobId.random(), new TargetId("shop"), staged.toUri().toString(),
                new Artifact("custom", Files.size(staged), sha256, "15.18", "15.18", List.of(new TableRowCount("public", "t", 1))));
    }

    private static Path stage(byte[] bytes) throws Exception {
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "staging", "shop"));
        return Files.write(Files.createTempFile(dir, "job", ".dump"), bytes);
    }


    private static String brokers() {
        return LocalKafka.shared().bootstrapServers();
    }
}
