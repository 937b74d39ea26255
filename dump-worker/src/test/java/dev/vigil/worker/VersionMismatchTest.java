package dev.vigil.worker;

import dev.vigil.local.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Trigger;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.MetricsScrape;
import dev.vigil.local.ServiceTestSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A PostgreSQL 18 server (zonky's binaries) is newer than any pg_dump Debian installs: the job must
 * fail at once naming the server's version and what to install, and the worker says which pg_dump
 * versions it has.
 */
// Closed after the class, while the shared broker still runs (it stops at JVM exit).
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=dump-worker")
class VersionMismatchTest {

    /** Granted before the service starts, so it has read them when the first request comes. */
    private static final String VIEWER = TestTokens.viewer();

    private static EmbeddedPostgres newer;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafka(registry, WorkerApplication.NAME);
        registry.add("vigil.staging.dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "staging").toString());
    }

    @BeforeAll
    static void aNewerServer() throws Exception {
        newer = EmbeddedPostgres.builder().start();
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.TARGETS, "worker-pg18", EventJson.writeString(TargetConfigured.now(
                new TargetId("worker-pg18"), new Connection("127.0.0.1", newer.getPort(), "postgres", "postgres", null, null))));
    }

    @AfterAll
    static void stop() throws Exception {
        newer.close();
    }

    @Test
    void aServerNewerThanEveryInstalledPgDumpFailsAtOnceNamingTheVersionAndWhatToInstall() {
        BackupRequested request = BackupRequested.now(JobId.random(), new TargetId("worker-pg18"), Trigger.EXTERNAL, "test");
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_REQUESTED, "worker-pg18", EventJson.writeString(request));

        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_FAILED, Topics.ARTIFACT_CREATED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(request.jobId().toString()), Duration.ofSeconds(60));
            assertThat(seen.topic()).isEqualTo(Topics.BACKUP_FAILED);
            BackupFailed failed = EventJson.read(seen.value().getBytes(), BackupFailed.class);
            assertThat(failed.stage()).isEqualTo(Stage.DUMP);
            assertThat(failed.failureClass()).isEqualTo(FailureClass.VERSION_MISMATCH);
            assertThat(failed.reason()).contains("PostgreSQL 18.").contains("pg_dump must be version 18 or newer")
                    .contains("apt-get install postgresql-client-18");
        }
        // What the dashboard's dump duration panel reads.
        await("the failed dump timed for its target").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(MetricsScrape.of(port, VIEWER).value("vigil_dump_duration_seconds_count", Map.of("target", "worker-pg18", "outcome", "failed")))
                        .hasValueSatisfying(count -> assertThat(count).isGreaterThanOrEqualTo(1)));
    }

    @Test
    void theRequestsWaitingForAWorkerAreExportedAsTheBindersConsumerLag() {
        // VigilRequestsWaiting (deploy/prometheus/vigil-rules.yml) reads this series; the binder registers it when the binding starts.
        MetricsScrape scrape = MetricsScrape.of(port, VIEWER);

        assertThat(scrape.value("spring_cloud_stream_binder_kafka_offset", Map.of("group", "dump-worker", "topic", "vigil.backup.requested")))
                .as("the binder's lag gauge in\n%s", scrape.text()).isPresent();
    }

    @Test
    void theWorkerReportsItsPgDumpVersionsInInfoAndAsAMetric() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String info = http.send(TestTokens.bearer(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/info")), VIEWER).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String metrics = http.send(TestTokens.bearer(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")), VIEWER).build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            int major = EventJson.mapper().readTree(info).get("pgDump").get("majors").get(0).asInt();
            assertThat(major).isGreaterThanOrEqualTo(13);
            assertThat(metrics).contains("vigil_worker_pg_dump_available{major=\"" + major + "\"");
        }
    }
}
