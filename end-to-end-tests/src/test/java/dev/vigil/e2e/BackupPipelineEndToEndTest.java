package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.BackupRechecked;
import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RecheckRequested;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Trigger;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.Arrivals;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.FreePorts;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.LocalSmtp;
import dev.vigil.local.MetricsScrape;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.local.WebhookReceiver;
import dev.vigil.storage.recheck.CopyCheck;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One backup through all five services, against a real Kafka broker, PostgreSQL, S3 endpoint,
 * SMTP server and webhook receiver: the stack ./vigil dev runs, with alert channels switched on.
 */
class BackupPipelineEndToEndTest {

    private static JobsApi api;
    private static LocalSmtp smtp;
    private static WebhookReceiver slack;
    private static EmbeddedStack stack;
    private static Path replica;
    private static Map<String, Long> sourceCounts;

    @BeforeAll
    static void startEverything() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        LocalS3 s3 = LocalS3.shared();
        smtp = LocalSmtp.start();
        slack = WebhookReceiver.start();
        ServiceTestSettings.s3Credentials();
        postgres.createDatabase("vigil_e2e");
        DemoDatabase.load(postgres, "shop_e2e");
        sourceCounts = demoRows("shop_e2e");
        DemoDatabase.load(postgres, "busy_e2e");
        DemoDatabase.load(postgres, "shrink_e2e");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path targets = Files.writeString(tmp.resolve("e2e-targets.yml"), """
                targets:
                  - id: shop
                    host: 127.0.0.1
                    port: %1$d
                    database: shop_e2e
                    username: postgres
                  - id: shop-sql
                    host: 127.0.0.1
                    port: %1$d
                    database: shop_e2e
                    username: postgres
                    dump:
                      format: plain
                      schemas: [shop]
                      excludeTables: [shop.empty_wishlist]
                  - id: shop-dir
                    host: 127.0.0.1
                    port: %1$d
                    database: shop_e2e
                    username: postgres
                    dump:
                      format: directory
                      jobs: 2
                  - id: shop-schema
                    host: 127.0.0.1
                    port: %1$d
                    database: shop_e2e
                    username: postgres
                    dump:
                      schemaOnly: true
                  - id: busy
                    host: 127.0.0.1
                    port: %1$d
                    database: busy_e2e
                    username: postgres
                  - id: offline
                    host: 127.0.0.1
                    port: %2$d
                    database: gone
                    username: backup
                  - id: shrinking
                    host: 127.0.0.1
                    port: %1$d
                    database: shrink_e2e
                    username: postgres
                  - id: tampered
                    host: 127.0.0.1
                    port: %1$d
                    database: shop_e2e
                    username: postgres
                  - id: lapsed
                    host: 127.0.0.1
                    port: %1$d
                    database: shop_e2e
                    username: postgres
                    monitoring:
                      freshness: 3s
                """.formatted(postgres.port(), FreePorts.next()));
        Map<String, String> extra = new HashMap<>();
        extra.put("vigil.notifier.slack-webhook-url", slack.url("/services/T0/B0/e2e"));
        extra.put("vigil.notifier.email-to", "oncall@example.com");
        extra.put("spring.mail.host", smtp.host());
        extra.put("spring.mail.port", String.valueOf(smtp.port()));
        extra.put("vigil.notifier.check-interval", "1s");
        replica = Files.createTempDirectory("e2e-replica");
        extra.put("vigil.storage.replicas[0].name", "e2e-replica");
        extra.put("vigil.storage.replicas[0].path", replica.toString());
        extra.put("vigil.worker.unknown-target-wait", "3s");
        extra.put("vigil.worker.retry.initial-backoff", "200ms");
        String keys = "e2e-key:" + java.util.Base64.getEncoder().encodeToString("e2e-key-material-32-bytes-long!!".getBytes());
        extra.put("vigil.worker.encryption-key-id", "e2e-key");
        extra.put("vigil.worker.encryption-keys", keys);
        extra.put("vigil.verifier.encryption-keys", keys);
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(LocalKafka.shared().bootstrapServers(), LocalKafka.shared()::password, postgres.jdbcUrl("vigil_e2e"),
                LocalPostgres.SUPERUSER, s3.endpoint(), "e2e-backups", tmp.resolve("e2e-staging"), tmp.resolve("e2e-verify"),
                postgres.host(), postgres.port(), postgres.verifierRole().role(), targets, FreePorts.next(), extra));
        api = new JobsApi(stack);
    }

    @AfterAll
    static void stopEverything() {
        if (stack != null) {
            stack.close();
        }
        smtp.close();
        slack.close();
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aDatabaseWithDataEndsVerifiedWithExactRowCountsAndOneTraceAcrossEveryService() throws Exception {
        String jobId = api.requestBackup("shop");

        JsonNode job = api.awaitFinal(jobId, Duration.ofSeconds(120));

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("VERIFIED");
        assertThat(job.get("stages").propertyNames()).containsExactly("REQUESTED", "DUMPING", "DUMPED", "STORED", "VERIFIED");
        assertThat(job.get("artifact").get("compression").asString()).isEqualTo("zstd");
        assertThat(job.get("artifact").get("encryptionKeyId").asString()).isEqualTo("e2e-key");
        assertThat(job.get("location").get("key").asString()).endsWith(jobId + ".dump.zst.enc");
        assertThat(catalogObjects(job).propertyNames()).as("catalog compared by the verifier")
                .contains("materialized view shop.revenue_by_product", "view shop.paid_orders", "index shop.orders_2026_pkey",
                        "constraint shop.Order Lines.Order Lines_quantity_check", "table Sales Ops.Zielmärkte");
        Map<String, Long> verified = new LinkedHashMap<>();
        for (JsonNode table : job.get("verification").get("tables")) {
            assertThat(table.get("foundRows").asLong()).as(table.toString()).isEqualTo(table.get("expectedRows").asLong());
            verified.put(table.get("schema").asString() + "." + table.get("table").asString(), table.get("foundRows").asLong());
        }
        assertThat(verified).as("row counts restored, per table").isEqualTo(sourceCounts);
        assertThat(sourceCounts).containsEntry("shop.Order Lines", 16001L).containsEntry("Sales Ops.Zielmärkte", 4L);

        String traceId = job.get("traceId").asString();
        assertThat(traceId).isNotBlank();
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_REQUESTED, Topics.DUMP_STARTED,
                Topics.ARTIFACT_CREATED, Topics.ARTIFACT_STORED, Topics.BACKUP_VERIFIED)) {
            for (String topic : List.of(Topics.BACKUP_REQUESTED, Topics.DUMP_STARTED, Topics.ARTIFACT_CREATED, Topics.ARTIFACT_STORED,
                    Topics.BACKUP_VERIFIED)) {
                probe.await(r -> r.topic().equals(topic) && r.value().contains(jobId), Duration.ofSeconds(30));
            }
            Map<String, Set<String>> traceIdsByTopic = probe.seen(Duration.ZERO).stream()
                    .filter(r -> r.value().contains(jobId))
                    .collect(Collectors.groupingBy(KafkaProbe.Seen::topic,
                            Collectors.mapping(r -> traceIdOf(r.header("traceparent")), Collectors.toSet())));
            assertThat(traceIdsByTopic).as("trace ids of the job's events, by topic").containsOnlyKeys(
                    Topics.BACKUP_REQUESTED, Topics.DUMP_STARTED, Topics.ARTIFACT_CREATED, Topics.ARTIFACT_STORED, Topics.BACKUP_VERIFIED);
            assertThat(traceIdsByTopic.values()).allSatisfy(ids -> assertThat(ids).containsExactly(traceId));
        }
    }

    @Test
    void aPlainSqlDumpOfSelectedTablesVerifiesHoldingExactlyThoseTables() throws Exception {
        JsonNode job = api.awaitFinal(api.requestBackup("shop-sql"), Duration.ofSeconds(120));

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("VERIFIED");
        assertThat(job.get("artifact").get("format").asString()).isEqualTo("plain");
        assertThat(job.get("location").get("key").asString()).endsWith(".sql.zst.enc");
        Map<String, Long> expected = new LinkedHashMap<>(sourceCounts);
        expected.keySet().removeIf(table -> !table.startsWith("shop.") || table.equals("shop.empty_wishlist"));
        assertThat(restoredCounts(job)).isEqualTo(expected);
    }

    @Test
    void aDirectoryFormatDumpInParallelVerifiesExactly() throws Exception {
        JsonNode job = api.awaitFinal(api.requestBackup("shop-dir"), Duration.ofSeconds(120));

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("VERIFIED");
        assertThat(job.get("artifact").get("format").asString()).isEqualTo("directory");
        assertThat(job.get("location").get("key").asString()).endsWith(".dump.tar.zst.enc");
        assertThat(restoredCounts(job)).isEqualTo(sourceCounts);
        assertThat(catalogObjects(job).size()).isGreaterThan(20);
    }

    @Test
    void aSchemaOnlyDumpVerifiesWithEveryTableAndNoRows() throws Exception {
        JsonNode job = api.awaitFinal(api.requestBackup("shop-schema"), Duration.ofSeconds(120));

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("VERIFIED");
        assertThat(restoredCounts(job).keySet()).isEqualTo(sourceCounts.keySet());
        assertThat(restoredCounts(job).values()).containsOnly(0L);
    }

    /**
     * The source's catalog the job's artifact refers to ({@code catalogRef}), read from where the
     * storage service keeps it, the stored backup's manifest, as the verifier reads it.
     */
    private static JsonNode catalogObjects(JsonNode job) {
        JsonNode reference = job.get("artifact").get("catalogRef");
        assertThat(reference).as("the artifact refers to its catalog: %s", job.get("artifact")).isNotNull();
        String uri = reference.get("uri").asString();
        assertThat(uri).startsWith("s3://e2e-backups/").endsWith(".manifest.json");
        String key = uri.substring("s3://e2e-backups/".length());
        byte[] manifest = LocalS3.shared().client().getObjectAsBytes(b -> b.bucket("e2e-backups").key(key)).asByteArray();
        JsonNode objects = dev.vigil.contracts.json.EventJson.mapper().readTree(manifest).get("catalog").get("objects");
        assertThat(objects.size()).as("entries, as the reference counts them").isEqualTo(reference.get("objects").asInt());
        return objects;
    }

    private static Map<String, Long> restoredCounts(JsonNode job) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (JsonNode table : job.get("verification").get("tables")) {
            assertThat(table.get("foundRows").asLong()).as(table.toString()).isEqualTo(table.get("expectedRows").asLong());
            counts.put(table.get("schema").asString() + "." + table.get("table").asString(), table.get("foundRows").asLong());
        }
        return counts;
    }

    @Test
    void writesDuringTheDumpStillVerifyExactlyBecauseTheCountsComeFromTheDumpsOwnSnapshot() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread writer = Thread.ofPlatform().name("busy-writer").start(() -> {
            try (Connection connection = postgres.connect("busy_e2e");
                    PreparedStatement insert = connection.prepareStatement("insert into shop.events (id, happened_at) values (?, now())")) {
                for (long id = 1_000_000; writing.get(); id++) {
                    insert.setLong(1, id);
                    insert.executeUpdate();
                    written.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        await("rows written before the dump").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> written.get() >= 200);
        long eventsBefore = rows("busy_e2e", "shop", "events");

        JsonNode job = api.awaitFinal(api.requestBackup("busy"), Duration.ofSeconds(120));
        writing.set(false);
        writer.join();
        long eventsAfter = rows("busy_e2e", "shop", "events");

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("VERIFIED");
        JsonNode events = job.get("verification").get("tables").valueStream()
                .filter(t -> t.get("schema").asString().equals("shop") && t.get("table").asString().equals("events")).findFirst().orElseThrow();
        assertThat(events.get("foundRows").asLong()).isEqualTo(events.get("expectedRows").asLong());
        assertThat(events.get("expectedRows").asLong()).as("the dump holds the rows of its moment, while writes went on around it")
                .isGreaterThanOrEqualTo(eventsBefore).isLessThan(eventsAfter);
    }

    @Test
    void anUnreachableTargetEndsFailedAndOnCallGetsOneSlackMessageAndOneEmailNamingTargetAndReason() throws Exception {
        String jobId = api.requestBackup("offline");

        JsonNode job = api.awaitFinal(jobId, Duration.ofSeconds(120));

        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        JsonNode failure = job.get("failure");
        assertThat(failure.get("stage").asString()).isEqualTo("DUMP");
        assertThat(failure.get("failureClass").asString()).isEqualTo("UNREACHABLE");
        assertThat(failure.get("reason").asString()).contains("could not connect");

        List<WebhookReceiver.Received> posts = Arrivals.of("Slack messages for the job", () -> slack.received().stream()
                .filter(r -> r.body().contains(jobId)).toList()).arriveWithin(Duration.ofSeconds(30), 1);
        List<MimeMessage> mails = Arrivals.of("emails for the job", () -> smtp.messages().stream()
                .filter(m -> text(m).contains(jobId)).toList()).arriveWithin(Duration.ofSeconds(30), 1);
        // A second alert for the job, from a failure announced or read twice, would follow the first within moments.
        Arrivals.of("alerts for the job", () -> Stream.concat(slack.received().stream().filter(r -> r.body().contains(jobId)),
                smtp.messages().stream().filter(m -> text(m).contains(jobId))).toList()).noMoreArriveWithin(Duration.ofMillis(1500));
        assertThat(slack.received().stream().filter(r -> r.body().contains(jobId))).as("Slack messages for the job").hasSize(1);
        assertThat(smtp.messages().stream().filter(m -> text(m).contains(jobId))).as("emails for the job").hasSize(1);
        assertThat(posts.getFirst().body()).contains("offline").contains("could not connect");
        assertThat(mails.getFirst().getSubject()).contains("offline");
        assertThat(text(mails.getFirst())).contains("Target: offline").contains("could not connect")
                .as("the notifier handled the failure in the job's trace").contains("Trace: " + job.get("traceId").asString());
    }

    @Test
    void aTargetWithoutAVerifiedBackupWithinItsFreshnessLimitAlertsOnceAndRecoversWhenABackupIsVerified() throws Exception {
        List<WebhookReceiver.Received> stale = Arrivals.of("stale alerts for lapsed", () -> posts("lapsed has never had a verified backup"))
                .arriveWithin(Duration.ofSeconds(60), 1);
        Arrivals.of("alerts about lapsed", () -> posts("lapsed")).noMoreArriveWithin(Duration.ofSeconds(3));
        assertThat(posts("lapsed")).as("checked every second, alerted once").hasSize(1);
        assertThat(stale.getFirst().body()).contains("STALE").contains("limit 3s");

        String jobId = api.requestBackup("lapsed");
        assertThat(api.awaitFinal(jobId, Duration.ofSeconds(120)).get("status").asString()).isEqualTo("VERIFIED");

        WebhookReceiver.Received recovery = Arrivals.of("recovery of lapsed", () -> posts("Recovered: lapsed"))
                .arriveWithin(Duration.ofSeconds(30), 1).getFirst();
        assertThat(recovery.body()).contains(jobId).contains("was verified");
        Arrivals.of("recovery emails of lapsed", () -> mails("Recovered: lapsed")).arriveWithin(Duration.ofSeconds(30), 1);
    }

    @Test
    void aTableThatLostMostOfItsRowsIsAContentAnomalyNamingItWhileAnOrdinaryDaysChangeRaisesNothing() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        String first = verifiedBackup("shrinking");
        postgres.execute("shrink_e2e", "insert into shop.customers select g, 'Customer ' || g, 'customer' || g || '@example.com', now() "
                + "from generate_series(2001, 2030) g");
        String ordinary = verifiedBackup("shrinking");
        postgres.execute("shrink_e2e", "delete from shop.\"Order Lines\" where order_id > 800");
        String shrunk = verifiedBackup("shrinking");

        WebhookReceiver.Received alert = Arrivals.of("anomaly alerts for the shrunk backup", () -> posts(shrunk)).arriveWithin(Duration.ofSeconds(30), 1)
                .getFirst();
        assertThat(alert.body()).contains("CONTENT_ANOMALY").contains("lost most rows of table shop.Order Lines")
                .contains("shop.Order Lines: 1,601 rows, usually 16,001");
        assertThat(posts(first)).isEmpty();
        assertThat(posts(ordinary)).as("thirty more customers is an ordinary day").isEmpty();
        assertThat(Arrivals.of("emails for the shrunk backup", () -> mails(shrunk)).arriveWithin(Duration.ofSeconds(30), 1).getFirst().getSubject())
                .isEqualTo("[Vigil] Backup of shrinking lost most rows of table shop.Order Lines");
    }

    private String verifiedBackup(String target) throws Exception {
        String jobId = api.requestBackup(target);
        assertThat(api.awaitFinal(jobId, Duration.ofSeconds(120)).get("status").asString()).isEqualTo("VERIFIED");
        return jobId;
    }

    @Test
    void everySeriesTheAlertRulesAndTheDashboardReadIsExportedByTheServiceThatOwnsIt() throws Exception {
        JsonNode job = api.awaitFinal(api.requestBackup("shop"), Duration.ofSeconds(120));
        assertThat(job.get("status").asString()).isEqualTo("VERIFIED");
        Map<String, String> metrics = MetricsScrape.listed(Path.of("..", "deploy", "prometheus", "vigil-metrics.txt"));
        assertThat(metrics).isNotEmpty();

        // The notifier refreshes its meters every check (a second here): wait for the verified backup to show.
        Arrivals.of("shop's last verified time on the notifier", () -> MetricsScrape.of(stack.port("notifier-service")).samples().stream()
                .filter(sample -> sample.name().equals("vigil_backup_last_verified_timestamp_seconds") && "shop".equals(sample.labels().get("target"))
                        && sample.value() > 0).toList()).arriveWithin(Duration.ofSeconds(30), 1);
        Map<String, MetricsScrape> scrapes = new HashMap<>();
        metrics.forEach((name, service) -> {
            MetricsScrape scrape = scrapes.computeIfAbsent(service, s -> MetricsScrape.of(stack.port(s)));
            assertThat(scrape.samples()).as("%s exports %s", service, name).anyMatch(sample -> sample.name().equals(name));
        });
        assertThat(scrapes.get("dump-worker").samples()).as("the dump timer, tagged by target")
                .anyMatch(sample -> sample.name().equals("vigil_dump_duration_seconds_count") && "shop".equals(sample.labels().get("target")));
    }

    @Test
    void theMonthsReCheckHasTheVerifierRestoreAKeptBackupAgainAndTheStorageServiceRecordsItPassedWithoutAnotherVerdict() throws Exception {
        String jobId = api.requestBackup("shop");
        assertThat(api.awaitFinal(jobId, Duration.ofSeconds(120)).get("status").asString()).isEqualTo("VERIFIED");

        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.RECHECK_REQUESTED, Topics.BACKUP_RECHECKED)) {
            // As the weekly schedule would (the first run of a month samples each target once).
            stack.bean("storage-service", CopyCheck.class).runNow();
            RecheckRequested request = EventJson.read(probe.await(r -> r.topic().equals(Topics.RECHECK_REQUESTED) && "shop".equals(r.key()),
                    Duration.ofSeconds(30)).value().getBytes(), RecheckRequested.class);
            BackupRechecked answer = EventJson.read(probe.await(r -> r.topic().equals(Topics.BACKUP_RECHECKED)
                    && r.value().contains(request.checkId().toString()), Duration.ofSeconds(120)).value().getBytes(), BackupRechecked.class);

            assertThat(answer.verdict()).as("%s %s", answer.differences(), answer.environmentProblems()).isEqualTo(Verdict.PASSED);
            assertThat(answer.jobId()).isEqualTo(request.jobId());
            assertThat(answer.copy()).isEqualTo(request.copy());
            assertThat(request.copy().key()).as("the primary, compressed and encrypted").endsWith(request.jobId() + ".dump.zst.enc");
            assertThat(answer.restoreMillis()).isPositive();
            try (Connection connection = LocalPostgres.shared().connect("vigil_e2e")) {
                await("the answer recorded by the storage service").atMost(Duration.ofSeconds(30)).until(() -> {
                    try (PreparedStatement query = connection.prepareStatement("select verdict from storage.sample_restores where check_id = ?")) {
                        query.setObject(1, request.checkId());
                        try (ResultSet rs = query.executeQuery()) {
                            return rs.next() && "PASSED".equals(rs.getString(1));
                        }
                    }
                });
            }
            assertThat(api.awaitFinal(request.jobId().toString(), Duration.ofSeconds(10)).get("status").asString())
                    .as("the re-restored job keeps its one verdict").isEqualTo("VERIFIED");
        }
    }

    @Test
    void aCopyAlteredInTheBucketAndAReplicaDeletedAreFoundByTheNextCheckAndAlertedNamingTheBackupAndTheCopy() throws Exception {
        String jobId = verifiedBackup("tampered");
        JsonNode location = api.awaitFinal(jobId, Duration.ofSeconds(10)).get("location");
        String key = location.get("key").asString();
        // Behind Vigil's back: the primary object overwritten in the bucket, the replica's file deleted.
        LocalS3.shared().client().putObject(b -> b.bucket(location.get("bucket").asString()).key(key),
                software.amazon.awssdk.core.sync.RequestBody.fromString("not the backup any more"));
        Path replicaCopy;
        try (Stream<Path> files = Files.walk(replica)) {
            replicaCopy = files.filter(file -> file.getFileName().toString().contains(jobId) && !file.toString().endsWith(".json")
                    && Files.isRegularFile(file)).findFirst().orElseThrow();
        }
        Files.delete(replicaCopy);

        // As the weekly schedule would.
        stack.bean("storage-service", CopyCheck.class).runNow();

        String alert = Arrivals.of("damaged copies of tampered", () -> posts("tampered missing or damaged")).arriveWithin(Duration.ofSeconds(60), 1)
                .getFirst().body();
        assertThat(alert).contains("COPY_DAMAGED").contains("(ALTERED, MISSING)")
                .contains("Backup " + jobId + ", copy primary " + location.get("bucket").asString() + "/" + key + ": ALTERED")
                .contains("copy e2e-replica").contains(": MISSING");
        Arrivals.of("emails about the damaged copies", () -> mails("tampered missing or damaged")).arriveWithin(Duration.ofSeconds(30), 1);
    }

    private static List<WebhookReceiver.Received> posts(String containing) {
        return slack.received().stream().filter(r -> r.body().contains(containing)).toList();
    }

    private static List<MimeMessage> mails(String containing) {
        return smtp.messages().stream().filter(m -> text(m).contains(containing)).toList();
    }

    @Test
    void malformedRequestsLandInTheDeadLetterTopicOrFailClearlyAndTheNextGoodRequestStillSucceeds() throws Exception {
        String brokers = LocalKafka.shared().bootstrapServers();
        // As a team publishes: signed in as a principal that may write BackupRequested and nothing else.
        LocalKafka.shared().addTeam("team-shop");
        Map<String, Object> team = LocalKafka.shared().clientProperties("team-shop");
        KafkaProbe.send(team, Topics.BACKUP_REQUESTED, "shop", "{this is not json");
        KafkaProbe.send(team, Topics.BACKUP_REQUESTED, "shop",
                "{\"eventId\":\"6c3e4f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6\",\"occurredAt\":\"2026-11-21T03:00:00Z\",\"schemaVersion\":1,"
                        + "\"targetId\":\"shop\",\"trigger\":\"EXTERNAL\",\"requestedBy\":\"missing-job-id\"}");
        BackupRequested unknown = BackupRequested.now(JobId.random(), new TargetId("ghost"), Trigger.EXTERNAL, "a team with a typo");
        KafkaProbe.send(team, Topics.BACKUP_REQUESTED, "ghost", EventJson.writeString(unknown));

        try (KafkaProbe dlq = new KafkaProbe(brokers, Topics.deadLetter(Topics.BACKUP_REQUESTED, "dump-worker"))) {
            dlq.await(r -> r.value().equals("{this is not json"), Duration.ofSeconds(60));
            KafkaProbe.Seen missing = dlq.await(r -> r.value().contains("missing-job-id"), Duration.ofSeconds(60));
            assertThat(missing.header("x-exception-message")).contains("jobId");
        }
        JsonNode ghost = api.awaitFinal(unknown.jobId().toString(), Duration.ofSeconds(120));
        assertThat(ghost.get("status").asString()).isEqualTo("FAILED");
        assertThat(ghost.get("failure").get("failureClass").asString()).isEqualTo("UNKNOWN_TARGET");
        assertThat(ghost.get("failure").get("reason").asString()).contains("'ghost'");

        JsonNode good = api.awaitFinal(api.requestBackup("shop"), Duration.ofSeconds(120));
        assertThat(good.get("status").asString()).isEqualTo("VERIFIED");
    }

    /**
     * Rows per table of the demo database, counted by this test itself: each table that holds rows of
     * its own in local-infrastructure's demo/shop.sql (partitions and the inheritance child each on
     * their own, as a dump holds them), keyed {@code schema.table}.
     */
    private static Map<String, Long> demoRows(String database) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of("shop.customers", "shop.products", "shop.orders_2025", "shop.orders_2026", "shop.Order Lines",
                "shop.events", "shop.audit_events", "shop.empty_wishlist", "Sales Ops.Zielmärkte")) {
            int dot = table.indexOf('.');
            counts.put(table, rows(database, table.substring(0, dot), table.substring(dot + 1)));
        }
        return counts;
    }

    /** {@code count(*)} of the table's own rows, without those of tables inheriting from it. */
    private static long rows(String database, String schema, String table) throws SQLException {
        try (Connection connection = LocalPostgres.shared().connect(database);
                ResultSet rs = connection.createStatement().executeQuery(
                        "select count(*) from only \"" + schema + "\".\"" + table + "\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String traceIdOf(String traceparent) {
        assertThat(traceparent).as("W3C traceparent header").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        return traceparent.split("-")[1];
    }

    private static String text(MimeMessage message) {
        return LocalSmtp.text(message);
    }
}
