package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.DumpProgressed;
import dev.vigil.contracts.DumpStarted;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Monitoring;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TableCheck;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Trigger;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The scheduler against a real broker and PostgreSQL: requests, the job registry, the API's errors, schedules. */
// Closed after the class, while the shared broker and database still run (they stop at JVM exit).
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=scheduler-service")
class SchedulerServiceTest {

    private static final HttpClient http = HttpClient.newHttpClient();
    /** Where the scheduler writes its first admin token at start-up. */
    private static final java.nio.file.Path ADMIN_TOKEN = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
            "scheduler-test-" + java.util.UUID.randomUUID(), "admin-token");
    /** How long an event may take to show in the registry. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafkaAndDatabase(registry, SchedulerApplication.NAME, "scheduler_test");
        registry.add("vigil.scheduler.targets-file", () -> "src/test/resources/test-targets.yml");
        registry.add("vigil.scheduler.bootstrap-token-file", ADMIN_TOKEN::toString);
        // A target an earlier start announced and the targets file no longer lists.
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.TARGETS, "retired-db", EventJson.writeString(TargetConfigured.now(
                new TargetId("retired-db"), new dev.vigil.contracts.Connection("old.internal", 5432, "retired", "backup", null, null))));
    }

    @AfterAll
    static void closeClient() {
        http.close();
    }

    @Test
    void aBackupRequestedThroughTheApiIsAcceptedRecordedAndPublishedKeyedByTarget() throws Exception {
        HttpResponse<String> response = post("/api/v1/targets/orders-db/backups");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = EventJson.mapper().readTree(response.body());
        String jobId = body.get("jobId").asString();
        assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/jobs/" + jobId);

        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_REQUESTED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId), Duration.ofSeconds(30));
            assertThat(seen.key()).isEqualTo("orders-db");
            assertThat(seen.header("traceparent")).as("trace context in the headers").isNotBlank();
            BackupRequested event = EventJson.read(seen.value().getBytes(), BackupRequested.class);
            assertThat(event.trigger()).isEqualTo(Trigger.API);
        }
        JsonNode job = getJson("/api/v1/jobs/" + jobId);
        assertThat(job.get("status").asString()).isEqualTo("REQUESTED");
        assertThat(job.get("targetId").asString()).isEqualTo("orders-db");
        assertThat(job.get("traceId").asString()).isNotBlank();
    }

    @Test
    void aNoteGivenToTheApiIsKeptOnTheJobAndCarriedByBackupRequested() throws Exception {
        HttpResponse<String> response = post("/api/v1/targets/orders-db/backups", "{\"note\": \"before the billing migration\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String jobId = EventJson.mapper().readTree(response.body()).get("jobId").asString();
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_REQUESTED)) {
            BackupRequested event = EventJson.read(probe.await(r -> r.value().contains(jobId), TIMEOUT).value().getBytes(), BackupRequested.class);
            assertThat(event.note()).isEqualTo("before the billing migration");
            assertThat(event.schemaVersion()).isEqualTo(BackupRequested.SCHEMA_VERSION);
        }
        assertThat(getJson("/api/v1/jobs/" + jobId).get("note").asString()).isEqualTo("before the billing migration");
        assertThat(getJson("/api/v1/jobs?targetId=orders-db").get("jobs").valueStream()
                .filter(job -> job.get("jobId").asString().equals(jobId)).findFirst().orElseThrow().get("note").asString())
                .isEqualTo("before the billing migration");
    }

    @Test
    void aNoteInABackupRequestedATeamPublishedShowsOnTheJob() throws Exception {
        JobId jobId = JobId.random();
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_REQUESTED, "orders-db", EventJson.writeString(
                BackupRequested.now(jobId, new TargetId("orders-db"), Trigger.EXTERNAL, "billing team", "before the billing migration")));

        JsonNode job = await("the team's job").atMost(TIMEOUT).until(() -> find(jobId), found -> found != null && found.has("trigger"));
        assertThat(job.get("note").asString()).isEqualTo("before the billing migration");
        assertThat(job.get("requestedBy").asString()).isEqualTo("billing team");
    }

    @Test
    void aNulInTheTextOfATeamsRequestIsShownAsAReplacementCharacterAndTheJobIsKept() throws Exception {
        JobId jobId = JobId.random();
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_REQUESTED, "orders-db", EventJson.writeString(
                BackupRequested.now(jobId, new TargetId("orders-db"), Trigger.EXTERNAL, "billing\u0000team", "before\u0000the migration")));

        JsonNode job = await("the team's job").atMost(TIMEOUT).until(() -> find(jobId), found -> found != null && found.has("trigger"));
        assertThat(job.get("note").asString()).isEqualTo("before\uFFFDthe migration");
        assertThat(job.get("requestedBy").asString()).isEqualTo("billing\uFFFDteam");
    }

    @Test
    void aBadNoteIsRefusedWith400SayingWhatIsWrongAndNoJobStarts() throws Exception {
        Map<String, String> refusals = Map.of(
                "{\"note\": \"" + "x".repeat(501) + "\"}", "note has 501 characters, more than the 500 allowed",
                "{\"note\": \"line one\\nline two\"}", "at character 9; write it as one line of text",
                "{\"note\": 42}", "note must be a JSON string",
                "{\"notes\": \"typo\"}", "unknown field 'notes'",
                "[\"before the migration\"]", "the body must be a JSON object");
        // Requests made as a token of their own, so the jobs they might have started are told apart from every other test's.
        HttpResponse<String> token = post("/api/v1/tokens", "{\"name\": \"bad note test\", \"role\": \"OPERATOR\"}");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        String badNoteTest = EventJson.mapper().readTree(token.body()).get("secretToken").asString();
        for (var refusal : refusals.entrySet()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/targets/orders-db/backups"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + badNoteTest)
                    .POST(HttpRequest.BodyPublishers.ofString(refusal.getKey())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(refusal.getKey()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = EventJson.mapper().readTree(response.body());
            assertThat(problem.get("title").asString()).isEqualTo("Invalid note");
            assertThat(problem.get("detail").asString()).contains(refusal.getValue());
        }
        HttpResponse<String> notJson = post("/api/v1/targets/orders-db/backups", "{note: before}");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(EventJson.mapper().readTree(notJson.body()).get("detail").asString()).contains("not valid JSON").contains("{\"note\": ");
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/targets/orders-db/backups"))
                .header("Authorization", "Bearer " + badNoteTest).header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("note=x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(EventJson.mapper().readTree(form.body()).get("detail").asString()).contains("Content-Type: application/json");
        assertThat(jdbc.sql("select count(*) from jobs where requested_by = 'bad note test'").query(Long.class).single()).isZero();
    }

    @Test
    void aBlankNoteOrAnEmptyBodyIsNoNote() throws Exception {
        for (String body : List.of("{\"note\": \"   \"}", "{}", "{\"note\": null}")) {
            HttpResponse<String> response = post("/api/v1/targets/orders-db/backups", body);
            assertThat(response.statusCode()).as(body).isEqualTo(202);
            assertThat(getJson("/api/v1/jobs/" + EventJson.mapper().readTree(response.body()).get("jobId").asString()).has("note")).as(body).isFalse();
        }
    }

    @Test
    void anUnknownTargetAnswers404WithAJsonErrorNamingTheKnownTargets() throws Exception {
        HttpResponse<String> response = post("/api/v1/targets/nope/backups");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        JsonNode problem = EventJson.mapper().readTree(response.body());
        assertThat(problem.get("title").asString()).isEqualTo("Unknown target");
        assertThat(problem.get("detail").asString()).contains("'nope'").contains("orders-db");
    }

    @Test
    void badJobIdsAndUnknownJobsSayWhatIsWrong() throws Exception {
        assertThat(get("/api/v1/jobs/not-a-uuid").statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = get("/api/v1/jobs/" + JobId.random());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("Unknown job");
        assertThat(get("/api/v1/jobs?targetId=Bad%20Id").statusCode()).isEqualTo(400);
    }

    @Test
    void theRegistryFollowsAJobThroughItsLifecycleAndIgnoresRedeliveries() throws Exception {
        JobId jobId = JobId.random();
        TargetId target = new TargetId("orders-db");
        Artifact artifact = new Artifact("custom", 2048, "ab".repeat(32), "15.18", "15.18",
                List.of(new TableRowCount("public", "orders", 3)));
        String brokers = LocalKafka.shared().bootstrapServers();
        KafkaProbe.send(brokers, Topics.BACKUP_REQUESTED, "orders-db",
                EventJson.writeString(BackupRequested.now(jobId, target, Trigger.EXTERNAL, "payments team")));
        KafkaProbe.send(brokers, Topics.DUMP_STARTED, "orders-db", EventJson.writeString(DumpStarted.now(jobId, target, "w1")));
        dev.vigil.contracts.Catalog catalog = new dev.vigil.contracts.Catalog(java.util.Map.of("table public.orders", "id bigint"), true, true);
        String created = EventJson.writeString(ArtifactCreated.now(jobId, target, "file:/x",
                artifact.withCatalogAt(dev.vigil.contracts.CatalogReference.to("file:/x.catalog.json", catalog))));
        KafkaProbe.send(brokers, Topics.ARTIFACT_CREATED, "orders-db", created);
        KafkaProbe.send(brokers, Topics.ARTIFACT_STORED, "orders-db", EventJson.writeString(
                ArtifactStored.now(jobId, target, new StoredObject("primary", "b", "orders-db/k.dump"),
                        artifact.withCatalogAt(dev.vigil.contracts.CatalogReference.to("s3://b/orders-db/k.dump.manifest.json", catalog)))));
        KafkaProbe.send(brokers, Topics.BACKUP_VERIFIED, "orders-db", EventJson.writeString(BackupVerified.now(jobId, target,
                Verdict.PASSED, List.of(), List.of(new TableCheck("public", "orders", 3L, 3L)), 1234)));
        KafkaProbe.send(brokers, Topics.ARTIFACT_CREATED, "orders-db", created);

        JsonNode job = awaitStatus(jobId, "VERIFIED");
        assertThat(job.get("trigger").asString()).isEqualTo("EXTERNAL");
        assertThat(job.get("requestedBy").asString()).isEqualTo("payments team");
        assertThat(job.get("stages").propertyNames()).containsExactly("REQUESTED", "DUMPING", "DUMPED", "STORED", "VERIFIED");
        assertThat(job.get("artifact").get("sha256").asString()).isEqualTo("ab".repeat(32));
        assertThat(job.get("location").get("key").asString()).isEqualTo("orders-db/k.dump");
        assertThat(job.get("artifact").get("catalogRef").get("uri").asString()).as("the stored artifact's, not the staged one's")
                .isEqualTo("s3://b/orders-db/k.dump.manifest.json");
        assertThat(job.get("verification").get("restoreMillis").asLong()).isEqualTo(1234);

        JsonNode list = getJson("/api/v1/jobs?targetId=orders-db");
        assertThat(list.get("jobs").valueStream().map(j -> j.get("jobId").asString())).contains(jobId.toString());
    }

    @Test
    void theJobShowsTheNewestProgressOfItsRunningDumpEvenWhenReportsArriveLate() throws Exception {
        JobId jobId = JobId.random();
        TargetId target = new TargetId("orders-db");
        Instant start = Instant.parse("2026-11-21T03:00:00Z");
        String brokers = LocalKafka.shared().bootstrapServers();
        KafkaProbe.send(brokers, Topics.DUMP_STARTED, "orders-db", EventJson.writeString(DumpStarted.now(jobId, target, "w1")));
        KafkaProbe.send(brokers, Topics.DUMP_PROGRESSED, "orders-db", EventJson.writeString(new DumpProgressed(java.util.UUID.randomUUID(),
                start.plusSeconds(10), 1, jobId, target, 2_000_000, "public.orders")));
        KafkaProbe.send(brokers, Topics.DUMP_PROGRESSED, "orders-db", EventJson.writeString(new DumpProgressed(java.util.UUID.randomUUID(),
                start.plusSeconds(5), 1, jobId, target, 1_000_000, "public.customers")));

        awaitStatus(jobId, "DUMPING");
        // A report on the same topic and key lands behind the late one in its partition and is read after it.
        JobId behind = JobId.random();
        KafkaProbe.send(brokers, Topics.DUMP_PROGRESSED, "orders-db", EventJson.writeString(new DumpProgressed(java.util.UUID.randomUUID(),
                start.plusSeconds(1), 1, behind, target, 1, "public.behind")));
        await("the progress of the report sent behind the late one").atMost(TIMEOUT)
                .until(() -> find(behind), behindJob -> behindJob != null && behindJob.hasNonNull("progress"));
        JsonNode job = getJson("/api/v1/jobs/" + jobId);
        assertThat(job.get("progress").get("bytesWritten").asLong()).isEqualTo(2_000_000);
        assertThat(job.get("progress").get("currentTable").asString()).isEqualTo("public.orders");
    }

    @Test
    void aTargetsVerificationHistoryShowsEachVerdictsEvidenceAndTheRestoreTimeTrend() throws Exception {
        TargetId target = new TargetId("history-db");
        String brokers = LocalKafka.shared().bootstrapServers();
        Artifact artifact = new Artifact("custom", 4096, "cd".repeat(32), "15.18", "15.18", List.of(new TableRowCount("public", "orders", 7)));
        long[] restoreMillis = {900, 1200, 1000};
        List<JobId> jobs = new java.util.ArrayList<>();
        for (long millis : restoreMillis) {
            JobId jobId = JobId.random();
            jobs.add(jobId);
            KafkaProbe.send(brokers, Topics.ARTIFACT_CREATED, "history-db", EventJson.writeString(ArtifactCreated.now(jobId, target, "file:/x", artifact)));
            KafkaProbe.send(brokers, Topics.BACKUP_VERIFIED, "history-db", EventJson.writeString(BackupVerified.now(jobId, target, Verdict.PASSED,
                    List.of(), List.of(new TableCheck("public", "orders", 7L, 7L)), millis, List.of(),
                    List.of(new dev.vigil.contracts.CheckResult("orders exist", true, "answered true")))));
            // The next verdict is made after this one is recorded, so their times are in the order they are sent.
            awaitStatus(jobId, "VERIFIED");
        }

        JsonNode history = getJson("/api/v1/targets/history-db/verifications");

        assertThat(history.get("verifications").valueStream().map(v -> v.get("jobId").asString()))
                .containsExactly(jobs.get(2).toString(), jobs.get(1).toString(), jobs.get(0).toString());
        JsonNode newest = history.get("verifications").get(0);
        assertThat(newest.get("verdict").asString()).isEqualTo("PASSED");
        assertThat(newest.get("restoreMillis").asLong()).isEqualTo(1000);
        assertThat(newest.get("sizeBytes").asLong()).isEqualTo(4096);
        assertThat(newest.get("rows").asLong()).isEqualTo(7);
        assertThat(newest.get("checksPassed").asInt()).isEqualTo(1);
        assertThat(history.get("restoreMillis").get("latest").asLong()).isEqualTo(1000);
        assertThat(history.get("restoreMillis").get("median").asLong()).isEqualTo(1000);
        assertThat(history.get("restoreMillis").get("slowest").asLong()).isEqualTo(1200);
        assertThat(get("/api/v1/targets/history-db/verifications?limit=0").statusCode()).isEqualTo(400);
    }

    @Test
    void aFailedVerdictMakesTheJobFailedWithTheDifferences() throws Exception {
        JobId jobId = JobId.random();
        TargetId target = new TargetId("orders-db");
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_VERIFIED, "orders-db",
                EventJson.writeString(BackupVerified.now(jobId, target, Verdict.FAILED,
                        List.of("table public.orders: expected 3 rows, found 2"), List.of(new TableCheck("public", "orders", 3L, 2L)), 10)));

        JsonNode job = awaitStatus(jobId, "FAILED");
        assertThat(job.get("failure").get("reason").asString()).contains("expected 3 rows, found 2");
        assertThat(job.get("verification").get("verdict").asString()).isEqualTo("FAILED");
    }

    @Test
    void theJobsListAcrossTargetsNarrowsByTargetStatusTriggerAndTime() throws Exception {
        Instant day = Instant.parse("2024-03-01T00:00:00Z");
        String brokers = LocalKafka.shared().bootstrapServers();
        JobId dumping = requestAt(day.plusSeconds(3600), "list-a", Trigger.EXTERNAL);
        JobId failed = requestAt(day.plusSeconds(2 * 3600), "list-a", Trigger.SCHEDULE);
        JobId requested = requestAt(day.plusSeconds(3 * 3600), "list-b", Trigger.API);
        JobId inconclusive = requestAt(day.plusSeconds(4 * 3600), "list-b", Trigger.EXTERNAL);
        JobId verified = requestAt(day.plusSeconds(5 * 3600), "list-a", Trigger.API);
        KafkaProbe.send(brokers, Topics.DUMP_STARTED, "list-a", EventJson.writeString(DumpStarted.now(dumping, new TargetId("list-a"), "w1")));
        KafkaProbe.send(brokers, Topics.BACKUP_FAILED, "list-a", EventJson.writeString(BackupFailed.now(failed, new TargetId("list-a"),
                Stage.DUMP, FailureClass.UNREACHABLE, "connection refused")));
        KafkaProbe.send(brokers, Topics.BACKUP_VERIFIED, "list-b", EventJson.writeString(BackupVerified.now(inconclusive, new TargetId("list-b"),
                Verdict.INCONCLUSIVE, List.of(), List.of(), 10, List.of("extension postgis is not installed"))));
        KafkaProbe.send(brokers, Topics.BACKUP_VERIFIED, "list-a", EventJson.writeString(BackupVerified.now(verified, new TargetId("list-a"),
                Verdict.PASSED, List.of(), List.of(), 10)));
        awaitStatus(dumping, "DUMPING");
        awaitStatus(failed, "FAILED");
        awaitStatus(inconclusive, "INCONCLUSIVE");
        awaitStatus(verified, "VERIFIED");
        awaitStatus(requested, "REQUESTED");
        String that = "/api/v1/jobs?from=2024-03-01T00:00:00Z&to=2024-03-02T00:00:00Z";

        assertThat(listed(that)).containsExactly(verified, inconclusive, requested, failed, dumping);
        assertThat(listed(that + "&targetId=list-a")).containsExactly(verified, failed, dumping);
        assertThat(getJson(that + "&targetId=list-a").get("targetId").asString()).as("the filter repeated, as before").isEqualTo("list-a");
        assertThat(getJson(that).has("targetId")).isFalse();
        assertThat(listed(that + "&status=FAILED")).containsExactly(failed);
        assertThat(listed(that + "&status=FAILED,VERIFIED")).containsExactly(verified, failed);
        assertThat(listed(that + "&status=INCONCLUSIVE&status=FAILED")).as("a repeated parameter").containsExactly(inconclusive, failed);
        assertThat(listed(that + "&status=REQUESTED")).containsExactly(requested);
        assertThat(listed(that + "&status=DUMPING")).containsExactly(dumping);
        assertThat(listed(that + "&trigger=EXTERNAL")).containsExactly(inconclusive, dumping);
        assertThat(listed(that + "&trigger=API,SCHEDULE")).containsExactly(verified, requested, failed);
        assertThat(listed(that + "&targetId=list-b&trigger=EXTERNAL")).containsExactly(inconclusive);
        assertThat(listed("/api/v1/jobs?from=2024-03-01T02:00:00Z&to=2024-03-01T04:00:00Z")).as("from inclusive, to exclusive")
                .containsExactly(requested, failed);
        assertThat(listed("/api/v1/jobs?from=2024-03-01T03:00:00%2B01:00&to=2024-03-01T04:00:00Z")).as("an offset").containsExactly(requested, failed);
        for (JsonNode job : getJson(that + "&status=FAILED,INCONCLUSIVE").get("jobs")) {
            assertThat(job.get("status").asString()).as("the status filtered by is the status shown").isIn("FAILED", "INCONCLUSIVE");
        }
    }

    @Test
    void tenThousandJobsArePagedNewestFirstEachExactlyOnceAndEachStatusPageShowsThatStatus() throws Exception {
        List<BulkJob> bulk = BulkJob.insert(jdbc, 10_000, Instant.parse("2020-01-01T00:00:00Z"));
        List<String> newestFirst = bulk.stream().sorted(BulkJob.NEWEST_FIRST).map(job -> job.id().toString()).toList();

        long start = System.nanoTime();
        List<String> all = pages("/api/v1/jobs?limit=500");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(all).as("every job at most once").doesNotHaveDuplicates();
        java.util.Set<String> bulkIds = new java.util.HashSet<>(newestFirst);
        assertThat(all.stream().filter(bulkIds::contains).toList()).as("every job, newest first").containsExactlyElementsOf(newestFirst);
        assertThat(took).as("paging through %d jobs", all.size()).isLessThan(Duration.ofSeconds(20));
        assertThat(pages("/api/v1/jobs?targetId=bulk-db&limit=137")).containsExactlyElementsOf(newestFirst);

        // The bulk holds backups; a dry run's statuses are listed in OutsideDumpsAndDryRunsTest, a queued job (which the queue
        // would release while the test reads) in BackupQueueTest.
        for (dev.vigil.scheduler.job.JobStatus status : java.util.Arrays.stream(dev.vigil.scheduler.job.JobStatus.values())
                .filter(s -> !s.name().startsWith("DRY_RUN") && s != dev.vigil.scheduler.job.JobStatus.QUEUED).toList()) {
            List<String> expected = bulk.stream().filter(job -> job.status() == status).sorted(BulkJob.NEWEST_FIRST).map(job -> job.id().toString()).toList();
            assertThat(expected).as("the data has %s jobs", status).isNotEmpty();
            List<String> shown = new java.util.ArrayList<>();
            String next = null;
            do {
                JsonNode page = getJson("/api/v1/jobs?targetId=bulk-db&limit=500&status=" + status + (next == null ? "" : "&before=" + next));
                for (JsonNode job : page.get("jobs")) {
                    assertThat(job.get("status").asString()).as("job %s", job.get("jobId")).isEqualTo(status.name());
                    shown.add(job.get("jobId").asString());
                }
                next = page.get("next").isNull() ? null : page.get("next").asString();
            } while (next != null);
            assertThat(shown).as("the %s jobs", status).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void badListFiltersAre400sNamingTheParameterAndWhatItAccepts() throws Exception {
        Map<String, List<String>> refusals = Map.of(
                "status=DONE", List.of("Invalid status", "status 'DONE' is not a job status", "REQUESTED, DUMPING, DUMPED, STORED, VERIFIED, INCONCLUSIVE, FAILED"),
                "status=FAILED,", List.of("Invalid status", "status '' is not a job status"),
                "trigger=CRON", List.of("Invalid trigger", "trigger 'CRON' is not a trigger", "SCHEDULE, CATCH_UP, API, EXTERNAL, REGISTERED"),
                "from=yesterday", List.of("Invalid from", "from 'yesterday' is not an ISO-8601 instant", "2026-11-21T03:00:00Z"),
                "to=2026-11-21", List.of("Invalid to", "to '2026-11-21' is not an ISO-8601 instant"),
                "from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z", List.of("Invalid from", "must be before to"),
                "before=not-a-cursor", List.of("Invalid before", "pass the 'next' of the previous page unchanged"),
                "limit=0", List.of("Invalid limit", "between 1 and 500"),
                "limit=501", List.of("Invalid limit", "between 1 and 500"),
                "targetId=Bad%20Id", List.of("Invalid target id"));
        for (var refusal : refusals.entrySet()) {
            HttpResponse<String> response = get("/api/v1/jobs?" + refusal.getKey());
            assertThat(response.statusCode()).as(refusal.getKey()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = EventJson.mapper().readTree(response.body());
            assertThat(problem.get("title").asString()).as(refusal.getKey()).isEqualTo(refusal.getValue().getFirst());
            refusal.getValue().stream().skip(1).forEach(part -> assertThat(problem.get("detail").asString()).as(refusal.getKey()).contains(part));
        }
    }

    @Test
    void aTargetScheduleFiresAndTheJobIsRecordedAsScheduled() throws Exception {
        JsonNode jobs = await("a job of ticking-db").atMost(Duration.ofSeconds(20))
                .until(() -> getJson("/api/v1/jobs?targetId=ticking-db").get("jobs"), found -> !found.isEmpty());
        assertThat(jobs).isNotEmpty();
        assertThat(jobs.get(0).get("trigger").asString()).isEqualTo("SCHEDULE");
    }

    @Test
    void everyTargetIsAnnouncedOnTheCompactedTopicWithoutASecretWithItsLabelsAndHowToWatchIt() {
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.TARGETS)) {
            KafkaProbe.Seen seen = probe.await(r -> "orders-db".equals(r.key()), Duration.ofSeconds(30));
            TargetConfigured event = EventJson.read(seen.value().getBytes(), TargetConfigured.class);
            assertThat(event.connection().passwordEnv()).isEqualTo("ORDERS_PGPASSWORD");
            assertThat(event.connection().database()).isEqualTo("orders");
            assertThat(event.schemaVersion()).isEqualTo(6);
            assertThat(event.labelMap()).isEqualTo(Map.of("team", "payments", "tier", "critical"));
            assertThat(event.monitoringSettings()).as("as the targets file sets it, with the default schedule's longest gap, a day")
                    .isEqualTo(new Monitoring(30 * 3600L, 86_400L, null, null, null, 20, null));
        }
    }

    @Test
    void aTargetNoLongerInTheTargetsFileIsWithdrawnFromTheWorkersWithATombstone() {
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.TARGETS)) {
            probe.await(r -> "retired-db".equals(r.key()) && r.value() == null, Duration.ofSeconds(30));
            assertThat(probe.seen(Duration.ofMillis(300))).filteredOn(r -> "orders-db".equals(r.key())).last()
                    .satisfies(r -> assertThat(r.value()).as("a listed target keeps its settings").isNotNull());
        }
    }

    /** A team's request for a job of {@code target}, made at {@code at}. */
    private static JobId requestAt(Instant at, String target, Trigger trigger) {
        JobId jobId = JobId.random();
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_REQUESTED, target, EventJson.writeString(new BackupRequested(
                java.util.UUID.randomUUID(), at, BackupRequested.SCHEMA_VERSION, jobId, new TargetId(target), trigger, "list test", null, null)));
        return jobId;
    }

    /** The jobs of one page, by id. */
    private List<JobId> listed(String path) throws Exception {
        return getJson(path).get("jobs").valueStream().map(job -> new JobId(java.util.UUID.fromString(job.get("jobId").asString()))).toList();
    }

    /** The ids of every job the list gives, following {@code next} from the first page to the last. */
    private List<String> pages(String path) throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        String next = null;
        do {
            JsonNode page = getJson(path + (next == null ? "" : "&before=" + next));
            page.get("jobs").forEach(job -> ids.add(job.get("jobId").asString()));
            next = page.get("next").isNull() ? null : page.get("next").asString();
        } while (next != null);
        return ids;
    }

    private JsonNode awaitStatus(JobId jobId, String status) {
        return await("job " + jobId + " reaching " + status).atMost(TIMEOUT)
                .until(() -> find(jobId), job -> job != null && status.equals(job.get("status").asString()));
    }

    /** The job as the API shows it; null while the API does not know it yet. */
    private JsonNode find(JobId jobId) throws Exception {
        HttpResponse<String> response = get("/api/v1/jobs/" + jobId);
        return response.statusCode() == 200 ? EventJson.mapper().readTree(response.body()) : null;
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", "Bearer " + admin())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + admin()).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", "Bearer " + admin())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String admin() throws java.io.IOException {
        return java.nio.file.Files.readString(ADMIN_TOKEN).strip();
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return EventJson.mapper().readTree(response.body());
    }
}
