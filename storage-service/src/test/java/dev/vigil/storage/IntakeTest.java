package dev.vigil.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.local.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * Dumps made outside Vigil, registered against a job: a real pg_dump -Fc uploaded to the target's
 * bucket is taken in and stored as any backup; everything else is refused before anything is recorded.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=storage-service")
class IntakeTest {

    private static final String OPERATOR = TestTokens.operator();
    private static final String VIEWER = TestTokens.viewer();
    private static final String BUCKET = "intake-test";
    private static final String TARGET = "intake-db";
    private static final Path STAGING = Path.of(System.getProperty("java.io.tmpdir"), "intake-staging");

    @Autowired
    S3Client s3;

    @Autowired
    DataSource dataSource;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, StorageApplication.NAME, "intake_test");
        registry.add("vigil.storage.endpoint", () -> LocalS3.shared().endpoint());
        registry.add("vigil.storage.bucket", () -> BUCKET);
        registry.add("vigil.storage.prefix", () -> "prod");
        registry.add("vigil.storage.create-bucket", () -> "true");
        registry.add("vigil.staging.dir", STAGING::toString);
        // Configured before the service reads the targets topic, so the first registration finds it.
        KafkaProbe.send(brokers(), Topics.TARGETS, TARGET, EventJson.writeString(TargetConfigured.now(new TargetId(TARGET),
                new Connection("db.internal", 5432, "intake", "backup", null, null))));
    }

    private static byte[] dump;

    @BeforeAll
    static void dumpASmallDatabase() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase("intake_source");
        postgres.execute("intake_source", """
                drop table if exists public.items;
                create table public.items(id int primary key, name text);
                insert into public.items select g, 'item ' || g from generate_series(1, 25) g;
                """);
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "intake_source.dump");
        Process process = new ProcessBuilder(postgres.binDir().resolve("pg_dump").toString(), "-Fc", "-h", postgres.host(), "-p",
                String.valueOf(postgres.port()), "-U", LocalPostgres.SUPERUSER, "-f", file.toString(), "intake_source").inheritIO().start();
        assertThat(process.waitFor()).as("pg_dump").isZero();
        dump = Files.readAllBytes(file);
    }

    @Test
    void aDumpUploadedUnderTheIntakePrefixIsStoredAsAnyBackupAndAnnouncedAsRegisteredOnce() throws Exception {
        JobId job = JobId.random();
        String key = "incoming/" + job + "/shop.dump";
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(dump));

        HttpResponse<String> answer = register(job, "s3://" + BUCKET + "/" + key, Sha256.of(dump), OPERATOR);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode accepted = EventJson.mapper().readTree(answer.body());
        assertThat(accepted.get("jobId").asString()).isEqualTo(job.toString());
        assertThat(accepted.get("targetId").asString()).isEqualTo(TARGET);
        assertThat(accepted.get("url").asString()).isEqualTo("s3://" + BUCKET + "/" + key);
        assertThat(accepted.get("sizeBytes").asLong()).isEqualTo(dump.length);
        assertThat(accepted.get("format").asString()).isEqualTo("custom");

        ArtifactStored stored = awaitStored(job);
        assertThat(stored.schemaVersion()).isEqualTo(5);
        assertThat(stored.madeOutside()).isTrue();
        assertThat(stored.registeredFrom()).isEqualTo("s3://" + BUCKET + "/" + key);
        assertThat(stored.artifact().sha256()).isEqualTo(Sha256.of(dump));
        assertThat(stored.artifact().sizeBytes()).isEqualTo(dump.length);
        assertThat(stored.artifact().format()).isEqualTo("custom");
        assertThat(stored.artifact().compression()).isEqualTo("none");
        assertThat(stored.artifact().encryptionKeyId()).isNull();
        assertThat(stored.artifact().tables()).isEmpty();
        assertThat(stored.artifact().hasCatalog()).isFalse();
        assertThat(stored.artifact().serverVersion()).matches("\\d+\\.\\d+").isEqualTo(stored.artifact().pgDumpVersion());
        assertThat(stored.location().key()).startsWith("prod/" + TARGET + "/").endsWith("-" + job + ".dump");
        var object = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(stored.location().key()));
        assertThat(object.asByteArray()).isEqualTo(dump);
        assertThat(object.response().metadata()).containsEntry("sha256", Sha256.of(dump));
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key(stored.location().key() + ".manifest.json")).contentLength()).isPositive();
        assertThat(jdbc().sql("select state from stored_artifacts where job_id = ?").param(job.value()).query(String.class).single())
                .isEqualTo("PENDING_VERIFICATION");
        // Cleaned after the transaction that announced it: waited for, not assumed.
        await("staging cleaned").atMost(Duration.ofSeconds(10)).until(() -> stagedFilesOf(job).isEmpty());
        await("the full URL forgotten once taken in").atMost(Duration.ofSeconds(10)).until(() -> jdbc()
                .sql("select url is null and state = 'HANDED_OVER' from intakes where job_id = ?").param(job.value()).query(Boolean.class).single());

        HttpResponse<String> again = register(job, "s3://" + BUCKET + "/" + key, null, OPERATOR);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already has a dump registered").contains("new job");
    }

    @Test
    void whatIsNotAReadableDumpOfTheTargetsOwnIntakePrefixIsRefusedSayingWhyAndNothingIsRecorded() throws Exception {
        s3.putObject(b -> b.bucket(BUCKET).key("incoming/notes.txt"), RequestBody.fromString("select 1;\n"));
        s3.putObject(b -> b.bucket(BUCKET).key("elsewhere/shop.dump"), RequestBody.fromBytes(dump));
        try {
            s3.createBucket(b -> b.bucket("someone-elses"));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception alreadyThere) {
            // made by an earlier run against the same store
        }
        s3.putObject(b -> b.bucket("someone-elses").key("incoming/shop.dump"), RequestBody.fromBytes(dump));
        record Refusal(String target, String url, String token, int status, String says) {
        }
        List<Refusal> refusals = List.of(
                new Refusal(TARGET, "s3://" + BUCKET + "/incoming/notes.txt", OPERATOR, 422, "not a pg_dump custom-format archive"),
                new Refusal(TARGET, "s3://" + BUCKET + "/incoming/never-uploaded.dump", OPERATOR, 422, "no object at"),
                new Refusal(TARGET, "s3://" + BUCKET + "/elsewhere/shop.dump", OPERATOR, 400, "outside the intake prefix 'incoming/'"),
                new Refusal(TARGET, "s3://someone-elses/incoming/shop.dump", OPERATOR, 400, "is not one of target intake-db's S3 destinations"),
                new Refusal(TARGET, "http://dumps.example.com/shop.dump", OPERATOR, 400, "scheme 'http' is not accepted"),
                new Refusal(TARGET, "https://127.0.0.1/shop.dump", OPERATOR, 400, "resolves to 127.0.0.1"),
                new Refusal("never-configured", "s3://" + BUCKET + "/incoming/shop.dump", OPERATOR, 400, "is not configured"),
                new Refusal(TARGET, "s3://" + BUCKET + "/incoming/shop.dump", VIEWER, 403, ""),
                new Refusal(TARGET, "s3://" + BUCKET + "/incoming/shop.dump", null, 401, ""));

        for (Refusal refusal : refusals) {
            JobId job = JobId.random();
            HttpResponse<String> answer = register(job, refusal.target(), refusal.url(), null, refusal.token());

            assertThat(answer.statusCode()).as("%s: %s", refusal.url(), answer.body()).isEqualTo(refusal.status());
            assertThat(answer.body()).as(refusal.url()).contains(refusal.says());
            if (refusal.status() != 401 && refusal.status() != 403) {
                assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
            }
            assertThat(jdbc().sql("select count(*) from intakes where job_id = ?").param(job.value()).query(Integer.class).single())
                    .as("recorded for %s", refusal.url()).isZero();
        }
    }

    @Test
    void aDumpWhoseChecksumIsNotTheOneRegisteredFailsTheJobAndLeavesNothing() throws Exception {
        JobId job = JobId.random();
        String key = "incoming/" + job + ".dump";
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(dump));

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_STORED, Topics.BACKUP_FAILED)) {
            HttpResponse<String> answer = register(job, "s3://" + BUCKET + "/" + key + "", Sha256.of(new byte[1]), OPERATOR);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);

            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(job.toString()), Duration.ofSeconds(30));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.BACKUP_FAILED);
            BackupFailed failed = EventJson.read(seen.value().getBytes(), BackupFailed.class);
            assertThat(failed.stage()).isEqualTo(Stage.STORE);
            assertThat(failed.failureClass()).isEqualTo(FailureClass.STORAGE);
            assertThat(failed.reason()).contains("SHA-256 " + Sha256.of(dump)).contains("register it against a new job");
        }
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("prod/" + TARGET + "/")).contents())
                .noneMatch(o -> o.key().contains(job.toString()));
        assertThat(jdbc().sql("select count(*) from stored_artifacts where job_id = ?").param(job.value()).query(Integer.class).single()).isZero();
        await("staging cleaned").atMost(Duration.ofSeconds(10)).until(() -> stagedFilesOf(job).isEmpty());
    }

    private HttpResponse<String> register(JobId job, String url, String sha256, String token) throws Exception {
        return register(job, TARGET, url, sha256, token);
    }

    private HttpResponse<String> register(JobId job, String target, String url, String sha256, String token) throws Exception {
        String body = "{\"jobId\":\"" + job + "\",\"targetId\":\"" + target + "\",\"url\":\"" + url + "\""
                + (sha256 == null ? "" : ",\"sha256\":\"" + sha256 + "\"") + "}";
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/intakes"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            return client.send((token == null ? request : TestTokens.bearer(request, token)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private List<Path> stagedFilesOf(JobId job) throws Exception {
        Path folder = STAGING.resolve(TARGET);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().contains(job.toString())).toList();
        }
    }

    private JdbcClient jdbc() {
        return JdbcClient.create(dataSource);
    }

    private static ArtifactStored awaitStored(JobId jobId) {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_STORED, Topics.BACKUP_FAILED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(30));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.ARTIFACT_STORED);
            return EventJson.read(seen.value().getBytes(), ArtifactStored.class);
        }
    }

    private static String brokers() {
        return LocalKafka.shared().bootstrapServers();
    }
}
