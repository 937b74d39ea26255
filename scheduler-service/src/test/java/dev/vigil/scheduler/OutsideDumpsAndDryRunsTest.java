package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.DryRunChecked;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.SourceExtension;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.FreePorts;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Dry runs and dumps made outside Vigil in the job registry, against the real broker and PostgreSQL:
 * a dry run is published as one, collects each service's checks and ends passed or failed, never a
 * backup; a registered job is reported once, failed or (with the storage service, in the end-to-end
 * tests) done. The checks themselves run in the worker, storage and verifier tests.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=scheduler-service")
class OutsideDumpsAndDryRunsTest {

    private static final Path ADMIN_TOKEN = Path.of(System.getProperty("java.io.tmpdir"), "outside-dumps-test-" + UUID.randomUUID(), "admin-token");

    @LocalServerPort
    int port;

    private SchedulerApi api() {
        return new SchedulerApi(port, ADMIN_TOKEN);
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafkaAndDatabase(registry, SchedulerApplication.NAME, "scheduler_outside_test");
        registry.add("vigil.scheduler.targets-file", () -> "src/test/resources/test-targets.yml");
        registry.add("vigil.scheduler.bootstrap-token-file", ADMIN_TOKEN::toString);
        // Nothing answers here: the storage service is down.
        registry.add("vigil.scheduler.storage-url", () -> "http://127.0.0.1:" + FreePorts.next());
    }

    @Test
    void aDryRunIsPublishedAsOneCollectsEachServicesChecksAndEndsFailedNamingTheUnreadableTable() throws Exception {
        String operator = api().create("dry-runner", "OPERATOR");
        BackupRequested published;
        UUID jobId;
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_REQUESTED)) {
            HttpResponse<String> accepted = api().send("POST", "/api/v1/targets/orders-db/backups?dryRun=true", operator, "{\"note\": \"new role\"}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(SchedulerApi.json(accepted).get("status").asString()).isEqualTo("DRY_RUN");
            jobId = UUID.fromString(SchedulerApi.json(accepted).get("jobId").asString());
            KafkaProbe.Seen seen = probe.await(r -> r.value() != null && r.value().contains(jobId.toString()), Duration.ofSeconds(30));
            published = EventJson.read(seen.value().getBytes(), BackupRequested.class);
        }
        assertThat(published.dryRunAsked()).isTrue();
        assertThat(published.note()).isEqualTo("new role");

        JobId job = new JobId(jobId);
        TargetId target = new TargetId("orders-db");
        DryRunChecked dump = DryRunChecked.dump(job, target, List.of(new CheckResult("connect", true, "connected: PostgreSQL 16.4"),
                new CheckResult("privileges", false, "the role cannot read 1 of 3 tables: sales.\"Invoice Lines\"; GRANT SELECT ON sales.\"Invoice Lines\" TO backup;")),
                "16.4", 81_920L, List.of(new SourceExtension("plpgsql", "1.0")));
        send(dump);
        JsonNode waiting = await().atMost(Duration.ofSeconds(30)).until(() -> job(jobId), j -> j.path("dryRunChecks").has("DUMP"));
        assertThat(waiting.get("status").asString()).as("the storage service and the verifier have not answered").isEqualTo("DRY_RUN");

        send(DryRunChecked.answer(dump, Stage.STORE, List.of(new CheckResult("destination primary", true, "probe written and removed"))));
        send(DryRunChecked.answer(dump, Stage.VERIFY, List.of(new CheckResult("extensions", true, "plpgsql available"))));
        JsonNode done = await().atMost(Duration.ofSeconds(30)).until(() -> job(jobId), j -> !j.get("status").asString().equals("DRY_RUN"));

        assertThat(done.get("status").asString()).isEqualTo("DRY_RUN_FAILED");
        assertThat(done.get("dryRun").asBoolean()).isTrue();
        assertThat(done.get("dryRunChecks").get("DUMP").get("checks").toString()).contains("sales.\\\"Invoice Lines\\\"");
        assertThat(done.get("dryRunChecks").get("DUMP").get("estimatedBytes").asLong()).isEqualTo(81_920);
        assertThat(done.get("stages").has("DUMPED")).as("no dump").isFalse();
        assertThat(SchedulerApi.json(api().send("GET", "/api/v1/jobs?status=DRY_RUN_FAILED", operator, null)).get("jobs").toString()).contains(jobId.toString());
        assertThat(SchedulerApi.json(api().send("GET", "/api/v1/jobs?status=VERIFIED,FAILED", operator, null)).get("jobs").toString())
                .as("a dry run is never listed as a backup").doesNotContain(jobId.toString());
    }

    @Test
    void dryRunChecksForAJobRequestedAsABackupChangeNothingAndAnUnclearDryRunIsRefused() throws Exception {
        String operator = api().create("backer", "OPERATOR");
        UUID real = UUID.fromString(SchedulerApi.json(api().send("POST", "/api/v1/targets/orders-db/backups", operator, null)).get("jobId").asString());
        DryRunChecked forged = DryRunChecked.dump(new JobId(real), new TargetId("orders-db"), List.of(new CheckResult("connect", false, "forged")),
                null, null, List.of());
        send(forged);
        // A later record on the same partition shows the forged one has been read.
        UUID marker = UUID.randomUUID();
        send(DryRunChecked.dump(new JobId(marker), new TargetId("orders-db"), List.of(), null, null, List.of()));
        await().atMost(Duration.ofSeconds(30)).until(() -> api().send("GET", "/api/v1/jobs/" + marker, operator, null).statusCode() == 200);

        JsonNode job = job(real);
        assertThat(job.get("status").asString()).isEqualTo("REQUESTED");
        assertThat(job.has("dryRunChecks")).as("a real job keeps no checks sent for it").isFalse();
        HttpResponse<String> unclear = api().send("POST", "/api/v1/targets/orders-db/backups?dryRun=yes", operator, null);
        assertThat(unclear.statusCode()).isEqualTo(400);
        assertThat(SchedulerApi.json(unclear).get("detail").asString()).contains("dryRun must be true or false");
    }

    @Test
    void aRegisteredJobWaitsForItsRunnerWhoseFailureEndsItFailedOnceAndIsAnnounced() throws Exception {
        String operator = api().create("ci-runner", "OPERATOR");
        HttpResponse<String> registered = api().send("POST", "/api/v1/jobs", operator, "{\"targetId\": \"orders-db\", \"note\": \"nightly export\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        UUID jobId = UUID.fromString(SchedulerApi.json(registered).get("jobId").asString());
        assertThat(registered.headers().firstValue("Location")).hasValue("/api/v1/jobs/" + jobId);
        JsonNode queued = job(jobId);
        assertThat(queued.get("status").asString()).isEqualTo("REQUESTED");
        assertThat(queued.get("trigger").asString()).isEqualTo("REGISTERED");
        assertThat(queued.get("note").asString()).isEqualTo("nightly export");
        assertThat(queued.get("requestedBy").asString()).isEqualTo("ci-runner");

        BackupFailed announced;
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_FAILED)) {
            HttpResponse<String> failed = api().send("PATCH", "/api/v1/jobs/" + jobId, operator,
                    "{\"status\": \"failed\", \"reason\": \"pg_dump: error: connection to server failed\"}");
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(200);
            KafkaProbe.Seen seen = probe.await(r -> r.value() != null && r.value().contains(jobId.toString()), Duration.ofSeconds(30));
            announced = EventJson.read(seen.value().getBytes(), BackupFailed.class);
        }
        assertThat(announced.stage()).isEqualTo(Stage.DUMP);
        assertThat(announced.reason()).contains("connection to server failed");
        JsonNode ended = job(jobId);
        assertThat(ended.get("status").asString()).isEqualTo("FAILED");
        assertThat(ended.get("failure").get("reason").asString()).contains("as its runner reported: pg_dump: error: connection to server failed");

        HttpResponse<String> again = api().send("PATCH", "/api/v1/jobs/" + jobId, operator, "{\"status\": \"success\", \"artifactUrl\": \"s3://b/incoming/x.dump\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(SchedulerApi.json(again).get("detail").asString()).contains("reported already");
        assertThat(job(jobId).get("status").asString()).isEqualTo("FAILED");
    }

    @Test
    void aReportIsRefusedWithWhatIsWrongAndChangesNothing() throws Exception {
        String operator = api().create("reporter", "OPERATOR");
        String viewer = api().create("onlooker", "VIEWER");
        UUID jobId = UUID.fromString(SchedulerApi.json(api().send("POST", "/api/v1/jobs", operator, "{\"targetId\": \"orders-db\"}")).get("jobId").asString());
        UUID ownBackup = UUID.fromString(SchedulerApi.json(api().send("POST", "/api/v1/targets/orders-db/backups", operator, null)).get("jobId").asString());
        String success = "{\"status\": \"success\", \"artifactUrl\": \"s3://vigil-backups/incoming/orders.dump\"}";

        assertThat(api().send("POST", "/api/v1/jobs", null, "{\"targetId\": \"orders-db\"}").statusCode()).isEqualTo(401);
        assertThat(api().send("POST", "/api/v1/jobs", viewer, "{\"targetId\": \"orders-db\"}").statusCode()).isEqualTo(403);
        assertThat(api().send("PATCH", "/api/v1/jobs/" + jobId, viewer, success).statusCode()).isEqualTo(403);
        assertDetail(api().send("POST", "/api/v1/jobs", operator, "{\"targetId\": \"nope\"}"), 404, "nope");
        assertDetail(api().send("POST", "/api/v1/jobs", operator, "{\"note\": \"x\"}"), 400, "targetId is required");
        assertDetail(api().send("PATCH", "/api/v1/jobs/" + jobId, operator, "{\"status\": \"done\"}"), 400, "status must be \"success\" or \"failed\"");
        assertDetail(api().send("PATCH", "/api/v1/jobs/" + jobId, operator, "{\"status\": \"success\"}"), 400, "artifactUrl is required");
        assertDetail(api().send("PATCH", "/api/v1/jobs/" + jobId, operator, "{\"status\": \"success\", \"artifactUrl\": \"ftp://host/x.dump\"}"), 400,
                "s3://bucket/key");
        assertDetail(api().send("PATCH", "/api/v1/jobs/" + jobId, operator, "{\"status\": \"success\", \"artifactUrl\": \"s3://b/k\", \"sha256\": \"abc\"}"),
                400, "64 lower-case hex");
        assertDetail(api().send("PATCH", "/api/v1/jobs/" + jobId, operator, "{\"status\": \"failed\"}"), 400, "says why in reason");
        assertDetail(api().send("PATCH", "/api/v1/jobs/" + ownBackup, operator, success), 409, "Vigil's own backup");
        assertDetail(api().send("PATCH", "/api/v1/jobs/" + UUID.randomUUID(), operator, success), 404, "register one");
        // The storage service, which fetches the artifact, is down: the report is refused and may be made again.
        assertDetail(api().send("PATCH", "/api/v1/jobs/" + jobId, operator, success), 503, "VIGIL_STORAGE_URL");

        JsonNode job = job(jobId);
        assertThat(job.get("status").asString()).isEqualTo("REQUESTED");
        assertThat(job.has("artifactUrl")).isFalse();
        assertThat(api().send("PATCH", "/api/v1/jobs/" + jobId, operator, "{\"status\": \"failed\", \"reason\": \"gave up\"}").statusCode())
                .as("a refused report left the job open to report").isEqualTo(200);
    }

    private void assertDetail(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(SchedulerApi.json(response).get("detail").asString()).contains(detail);
    }

    private JsonNode job(UUID jobId) throws Exception {
        return SchedulerApi.json(api().send("GET", "/api/v1/jobs/" + jobId, api().admin(), null));
    }

    private static void send(DryRunChecked event) {
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.DRY_RUN_CHECKED, event.targetId().value(), EventJson.writeString(event));
    }
}
