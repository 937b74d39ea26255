package dev.vigil.notifier;

import dev.vigil.contracts.Role;
import dev.vigil.local.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupRechecked;
import dev.vigil.contracts.RecheckRequested;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.CopiesChecked;
import dev.vigil.contracts.CopyFault;
import dev.vigil.contracts.CopyProblem;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Monitoring;
import dev.vigil.contracts.RetainedBackup;
import dev.vigil.contracts.RetentionApplied;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TableCheck;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.Arrivals;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalSmtp;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.local.WebhookReceiver;
import dev.vigil.notifier.report.WeeklyReport;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The notifier against a real broker, PostgreSQL, SMTP server and webhook receivers: incidents
 * instead of alert storms, recovery messages, freshness, anomalies, team subscriptions, signed
 * webhooks, channels that are down, and the weekly report and audit export.
 */
// Closed after the class, while the shared broker and database still run (they stop at JVM exit).
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=notifier-service")
class NotifierServiceTest {

    private static final String SECRET = "payments-shared-secret-0123456789";
    /** Granted before the notifier starts, so it has read them when the first request comes. */
    private static final String ALICE = TestTokens.of("alice", Role.OPERATOR);
    private static final String VIEWER = TestTokens.viewer();
    private static final LocalSmtp smtp = LocalSmtp.start();
    private static final WebhookReceiver slack = WebhookReceiver.start();
    private static final WebhookReceiver payments = WebhookReceiver.start();
    private static final WebhookReceiver search = WebhookReceiver.start();
    private static final WebhookReceiver reportsHook = WebhookReceiver.start();

    /** The report scenario's target and period: a week that ended two days ago, at midnight UTC. */
    private static final String REPORT_TARGET = "report-db";
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Instant REPORT_FROM = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(9));
    private static final Instant REPORT_TO = REPORT_FROM.plus(Duration.ofDays(7));
    private static final String FORMULA = "=HYPERLINK(\"https://evil.example/x\",\"open\"), then table public.orders: expected 1000 rows, found 999";
    private static final String BIG_TABLE = "<b>big</b>";
    private static final Map<String, JobId> reportJobs = new java.util.concurrent.ConcurrentHashMap<>();

    @LocalServerPort
    int port;

    @Autowired
    WeeklyReport weeklyReport;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafkaAndDatabase(registry, NotifierApplication.NAME, "notifier_test");
        registry.add("spring.mail.host", smtp::host);
        registry.add("spring.mail.port", smtp::port);
        registry.add("vigil.notifier.email-to", () -> "oncall@example.com");
        registry.add("vigil.notifier.slack-webhook-url", () -> slack.url("/services/T0/B0/secret-token"));
        registry.add("vigil.notifier.dashboard-url", () -> "https://vigil.example.com");
        registry.add("vigil.notifier.check-interval", () -> "500ms");
        registry.add("vigil.notifier.delivery-interval", () -> "200ms");
        registry.add("vigil.notifier.delivery-max-backoff", () -> "1s");
        registry.add("vigil.notifier.channels.payments-hook.type", () -> "webhook");
        registry.add("vigil.notifier.channels.payments-hook.url", () -> payments.url("/vigil"));
        registry.add("vigil.notifier.channels.payments-hook.secret", () -> SECRET);
        registry.add("vigil.notifier.channels.search-slack.type", () -> "slack");
        registry.add("vigil.notifier.channels.search-slack.url", () -> search.url("/services/T1/B1/search"));
        registry.add("vigil.notifier.subscriptions[0].name", () -> "payments");
        registry.add("vigil.notifier.subscriptions[0].labels.team", () -> "payments");
        registry.add("vigil.notifier.subscriptions[0].channels[0]", () -> "payments-hook");
        registry.add("vigil.notifier.subscriptions[1].name", () -> "search");
        registry.add("vigil.notifier.subscriptions[1].targets[0]", () -> "search-db");
        registry.add("vigil.notifier.subscriptions[1].min-severity", () -> "CRITICAL");
        registry.add("vigil.notifier.subscriptions[1].channels[0]", () -> "search-slack");
        registry.add("vigil.notifier.channels.reports-mail.type", () -> "email");
        registry.add("vigil.notifier.channels.reports-mail.to[0]", () -> "reports@example.com");
        registry.add("vigil.notifier.channels.reports-hook.type", () -> "webhook");
        registry.add("vigil.notifier.channels.reports-hook.url", () -> reportsHook.url("/vigil"));
        registry.add("vigil.notifier.channels.reports-hook.secret", () -> SECRET);
        registry.add("vigil.notifier.subscriptions[2].name", () -> "dba-weekly");
        registry.add("vigil.notifier.subscriptions[2].targets[0]", () -> REPORT_TARGET);
        registry.add("vigil.notifier.subscriptions[2].weekly-report", () -> "true");
        registry.add("vigil.notifier.subscriptions[2].channels[0]", () -> "reports-mail");
        registry.add("vigil.notifier.subscriptions[2].channels[1]", () -> "reports-hook");
        // The test sends the report itself, for a period of its choice.
        registry.add("vigil.notifier.report.schedule", () -> "-");
        // The targets the subscriptions cover, announced before the notifier starts (it checks them at start-up).
        announce("pay-db", Map.of("team", "payments"), Monitoring.DEFAULTS);
        announce("search-db", Map.of("team", "search"), Monitoring.DEFAULTS);
        announce("ledger-db", Map.of("team", "payments"), Monitoring.DEFAULTS);
        // Its history lies days back: a month's freshness limit keeps it from going stale meanwhile.
        announce(REPORT_TARGET, Map.of(), new Monitoring(30L * 86_400, null, null, null, null, null, null));
    }

    @AfterAll
    static void stop() {
        smtp.close();
        slack.close();
        payments.close();
        search.close();
        reportsHook.close();
    }

    @Test
    void aFailedBackupAlertsSlackAndEmailOnceEachNamingTargetJobAndReasonEvenWhenRedelivered() throws Exception {
        BackupFailed failed = failure("billing-db", "could not connect to backup@db:5432/billing: Connection refused");
        String payload = EventJson.writeString(failed);

        send(Topics.BACKUP_FAILED, "billing-db", payload);
        send(Topics.BACKUP_FAILED, "billing-db", payload);

        List<WebhookReceiver.Received> posts = awaitPosts(slack, failed.jobId().toString());
        List<MimeMessage> mails = awaitMails(failed.jobId().toString());
        // The redelivery was sent right behind the first delivery: alerts it caused would follow the first ones within a second.
        Arrivals.of("alerts for job " + failed.jobId(), () -> Stream.concat(posts(slack, failed.jobId().toString()).stream(),
                mails(failed.jobId().toString()).stream()).toList()).noMoreArriveWithin(Duration.ofSeconds(2));
        assertThat(posts.getFirst().body()).contains("billing-db").contains("Connection refused").contains("UNREACHABLE");
        JsonNode slackMessage = EventJson.mapper().readTree(posts.getFirst().body());
        assertThat(slackMessage.get("blocks").toString()).as("a Block Kit message with a button to the job")
                .contains("https://vigil.example.com/api/v1/jobs/" + failed.jobId()).contains("BACKUP_FAILING");
        MimeMessage mail = mails.getFirst();
        assertThat(mail.getSubject()).contains("billing-db").contains("failed");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
        assertThat(body(mail)).contains("Job: " + failed.jobId()).contains("Connection refused").contains("text/plain").contains("text/html").contains("<h2");
    }

    @Test
    void whatAnEventCarriesReachesSlackAsPlainTextOfBoundedLength() throws Exception {
        String reason = "<!channel> see <https://evil.example/login|the dashboard> & " + "x".repeat(10_000);
        BackupFailed failed = failure("escape-db", reason);

        send(Topics.BACKUP_FAILED, "escape-db", EventJson.writeString(failed));

        String post = awaitPosts(slack, failed.jobId().toString()).getFirst().body();
        String text = EventJson.mapper().readTree(post).get("text").asString();
        assertThat(text).contains("&lt;!channel&gt; see &lt;https://evil.example/login|the dashboard&gt; &amp; ")
                .doesNotContain("<!channel>").doesNotContain("<https://");
        assertThat(text.length()).isLessThan(3_300);
        assertThat(text).contains("more characters");
        assertThat(post).doesNotContain("<!channel>");
        assertThat(body(awaitMails(failed.jobId().toString()).getFirst())).as("the email keeps the whole reason").contains("x".repeat(10_000));
    }

    @Test
    void aFailedVerdictAlertsWithTheDifferencesAndAPassedOneStaysQuiet() throws Exception {
        JobId good = JobId.random();
        stored("verify-db", good, 1_000);
        verified("verify-db", good, Verdict.PASSED, Map.of("t", 1L));
        BackupVerified failed = BackupVerified.now(JobId.random(), new TargetId("verify-db"), Verdict.FAILED,
                List.of("table public.t: expected 2 rows, found 1"), List.of(new TableCheck("public", "t", 2L, 1L)), 5);

        send(Topics.BACKUP_VERIFIED, "verify-db", EventJson.writeString(failed));

        assertThat(awaitPosts(slack, failed.jobId().toString()).getFirst().body()).contains("failed verification").contains("expected 2 rows, found 1");
        assertThat(awaitMails(failed.jobId().toString())).hasSize(1);
        assertThat(posts(slack, good.toString())).isEmpty();
    }

    @Test
    void eightFailuresInARowGiveOneAlertAndOneRecoveryMessageSayingHowLongAndHowManyJobs() throws Exception {
        List<BackupFailed> failures = Stream.generate(() -> failure("flaky-db", "pg_dump: error: connection to server lost")).limit(8).toList();
        for (BackupFailed failed : failures) {
            send(Topics.BACKUP_FAILED, "flaky-db", EventJson.writeString(failed));
        }
        awaitPosts(slack, failures.getFirst().jobId().toString());
        JobId good = JobId.random();
        stored("flaky-db", good, 2_000);
        verified("flaky-db", good, Verdict.PASSED, Map.of("t", 10L));

        List<WebhookReceiver.Received> recovery = awaitPosts(slack, "Recovered: flaky-db");
        Arrivals.of("messages about flaky-db", () -> posts(slack, "flaky-db")).noMoreArriveWithin(Duration.ofSeconds(2));
        assertThat(posts(slack, "flaky-db")).as("one alert, one recovery message").hasSize(2);
        for (BackupFailed failed : failures.subList(1, 8)) {
            assertThat(posts(slack, failed.jobId().toString())).as("later failures join the incident silently").isEmpty();
        }
        assertThat(recovery.getFirst().body()).contains("covered 8 jobs").contains("It lasted").contains(good.toString());
        assertThat(mails("Recovered: flaky-db")).hasSize(1);
    }

    @Test
    void aTableEmptiedSinceTheLastBackupsIsAContentAnomalyNamingItAndANormalDayRaisesNothing() throws Exception {
        for (int day = 0; day < 6; day++) {
            JobId job = JobId.random();
            stored("shop-db", job, 10_000_000L + day * 50_000L);
            verified("shop-db", job, Verdict.PASSED, Map.of("orders", 5_000L + day * 40, "customers", 800L + day * 3));
        }
        JobId normal = JobId.random();
        stored("shop-db", normal, 10_400_000L);
        verified("shop-db", normal, Verdict.PASSED, Map.of("orders", 5_260L, "customers", 820L));
        JobId emptied = JobId.random();
        stored("shop-db", emptied, 9_900_000L);
        verified("shop-db", emptied, Verdict.PASSED, Map.of("orders", 0L, "customers", 822L));

        // Emptying the biggest table also makes the total rows an outlier: a content and a size anomaly.
        List<WebhookReceiver.Received> alerts = Arrivals.of("anomaly alerts for " + emptied, () -> posts(slack, emptied.toString()))
                .arriveWithin(Duration.ofSeconds(30), 2);
        String content = alerts.stream().map(WebhookReceiver.Received::body).filter(b -> b.contains("CONTENT_ANOMALY")).findFirst().orElseThrow();
        assertThat(content).contains("lost most rows of table public.orders").contains("public.orders: 0 rows, usually 5,120")
                .doesNotContain("public.customers:");
        assertThat(alerts).anySatisfy(alert -> assertThat(alert.body()).contains("SIZE_ANOMALY").contains("holds unusually few rows"));
        assertThat(posts(slack, normal.toString())).as("a normal day raises nothing").isEmpty();
        assertThat(incidents("?state=open&target=shop-db")).extracting(i -> i.get("kind").asString())
                .containsExactlyInAnyOrder("CONTENT_ANOMALY", "SIZE_ANOMALY");
    }

    @Test
    void aTargetWithoutAVerifiedBackupWithinItsLimitAlertsOnceAndRecoversWhenOneIsVerified() throws Exception {
        announce("quiet-db", Map.of(), new Monitoring(2L, null, null, null, null, null, null));

        String stale = awaitPosts(slack, "quiet-db has never had a verified backup").getFirst().body();
        assertThat(stale).contains("STALE").contains("limit 2s");
        Arrivals.of("stale alerts for quiet-db", () -> posts(slack, "quiet-db")).noMoreArriveWithin(Duration.ofSeconds(2));
        assertThat(posts(slack, "quiet-db")).as("checked every half second, alerted once").hasSize(1);
        JobId job = JobId.random();
        stored("quiet-db", job, 1_000);
        verified("quiet-db", job, Verdict.PASSED, Map.of("t", 1L));

        assertThat(awaitPosts(slack, "Recovered: quiet-db").getFirst().body()).contains(job.toString()).contains("was verified");
    }

    @Test
    void eachTeamHearsOnlyItsOwnTargetsOnItsOwnChannelsAndTheWebhookSignatureVerifies() throws Exception {
        BackupFailed pay = failure("pay-db", "disk full");
        BackupFailed searchFailed = failure("search-db", "permission denied for table docs");
        BackupVerified searchInconclusive = BackupVerified.now(JobId.random(), new TargetId("search-db"), Verdict.INCONCLUSIVE, List.of(),
                List.of(), 1, List.of("extension vector is not installed on the verification server"));

        send(Topics.BACKUP_FAILED, "pay-db", EventJson.writeString(pay));
        send(Topics.BACKUP_FAILED, "search-db", EventJson.writeString(searchFailed));
        send(Topics.BACKUP_VERIFIED, "search-db", EventJson.writeString(searchInconclusive));

        WebhookReceiver.Received hook = awaitPosts(payments, pay.jobId().toString()).getFirst();
        awaitPosts(search, searchFailed.jobId().toString());
        awaitPosts(slack, searchInconclusive.jobId().toString());
        assertThat(payments.received()).noneMatch(r -> r.body().contains("search-db"));
        assertThat(search.received()).noneMatch(r -> r.body().contains("pay-db"));
        assertThat(search.received()).as("the search team hears only critical incidents").noneMatch(r -> r.body().contains("INCONCLUSIVE"));
        String signature = hook.header("X-Vigil-Signature");
        assertThat(signature).matches("t=\\d+,sha256=[0-9a-f]{64}");
        String t = signature.substring(2, signature.indexOf(','));
        assertThat(signature.substring(signature.indexOf("sha256=") + 7)).isEqualTo(hmac(SECRET, t + "." + hook.body()));
        assertThat(signature.substring(signature.indexOf("sha256=") + 7)).isNotEqualTo(hmac("another-secret-0123456789", t + "." + hook.body()));
        JsonNode notice = EventJson.mapper().readTree(hook.body());
        assertThat(notice.get("targetId").asString()).isEqualTo("pay-db");
        assertThat(notice.get("kind").asString()).isEqualTo("BACKUP_FAILING");
        assertThat(hook.header("X-Vigil-Delivery")).isEqualTo(notice.get("key").asString());
    }

    @Test
    void aChannelThatIsDownGetsWhatItIsOwedOnceWhenItReturnsAndTheOthersDoNotWait() throws Exception {
        payments.answer(503);
        try {
            BackupFailed failed = failure("ledger-db", "out of memory");
            send(Topics.BACKUP_FAILED, "ledger-db", EventJson.writeString(failed));

            awaitPosts(slack, failed.jobId().toString());
            Arrivals.of("refused webhook posts", () -> payments.refused() > 1 ? List.of(1) : List.of()).arriveWithin(Duration.ofSeconds(30), 1);
            assertThat(posts(payments, failed.jobId().toString())).isEmpty();
            payments.answer(200);

            awaitPosts(payments, failed.jobId().toString());
            Arrivals.of("webhook posts for job " + failed.jobId(), () -> posts(payments, failed.jobId().toString()))
                    .noMoreArriveWithin(Duration.ofSeconds(3));
            assertThat(posts(payments, failed.jobId().toString())).hasSize(1);
        } finally {
            payments.answer(200);
        }
    }

    @Test
    void aStoredCopyFoundAlteredOrMissingAlertsNamingTheBackupAndTheCopyAndACleanRecheckResolvesIt() throws Exception {
        JobId job = JobId.random();
        CopiesChecked damaged = CopiesChecked.now(new TargetId("vault-db"), 3, 6, List.of(
                new CopyProblem(job, new StoredObject("primary", "backups", "vault-db/2026/12/01/" + job + ".dump"), CopyFault.ALTERED,
                        "SHA-256 is 9f86d0…, the catalog recorded 2c26b4…"),
                new CopyProblem(job, new StoredObject("offsite", "backups-replica", "vault-db/2026/12/01/" + job + ".dump"), CopyFault.MISSING,
                        "nothing under the key")));

        send(Topics.COPIES_CHECKED, "vault-db", EventJson.writeString(damaged));

        String alert = awaitPosts(slack, "vault-db missing or damaged").getFirst().body();
        assertThat(alert).contains("COPY_DAMAGED").contains("2 stored copies of 1 backup of vault-db missing or damaged (ALTERED, MISSING)")
                .contains("Backup " + job + ", copy primary backups/vault-db/2026/12/01/" + job + ".dump: ALTERED")
                .contains("copy offsite backups-replica/vault-db/2026/12/01/" + job + ".dump: MISSING");
        send(Topics.COPIES_CHECKED, "vault-db", EventJson.writeString(CopiesChecked.now(new TargetId("vault-db"), 3, 6, List.of())));
        assertThat(awaitPosts(slack, "Recovered: vault-db").getFirst().body()).contains("found all 6 copies of 3 kept backups intact");
    }

    @Test
    void aKeptBackupThatNoLongerRestoresWhenSampledAgainAlertsNamingItAndItsCopyAndALaterGoodSampleResolvesIt() throws Exception {
        JobId job = JobId.random();
        StoredObject copy = new StoredObject("primary", "backups", "archive-db/2026/11/01/" + job + ".dump.zst.enc");
        Artifact artifact = new Artifact("custom", 1_000, "0".repeat(64), "16.4", "16.4", List.of(new TableRowCount("public", "t", 1)));
        RecheckRequested request = RecheckRequested.now(java.util.UUID.randomUUID(), job, new TargetId("archive-db"), copy, artifact, "monthly sample");

        send(Topics.BACKUP_RECHECKED, "archive-db", EventJson.writeString(BackupRechecked.of(request, Verdict.FAILED,
                List.of("the artifact's SHA-256 is 5e88…, the stored backup's was 0000…"), List.of(), 800)));

        String alert = awaitPosts(slack, "Kept backup " + job + " of archive-db no longer restores").getFirst().body();
        assertThat(alert).contains("NO_LONGER_RESTORES").contains("copy primary backups/archive-db/2026/11/01/" + job + ".dump.zst.enc")
                .contains("SHA-256 is 5e88");
        send(Topics.BACKUP_RECHECKED, "archive-db", EventJson.writeString(BackupRechecked.of(
                RecheckRequested.now(java.util.UUID.randomUUID(), JobId.random(), new TargetId("archive-db"), copy, artifact, "monthly sample"),
                Verdict.PASSED, List.of(), List.of(), 700)));
        assertThat(awaitPosts(slack, "Recovered: archive-db").getFirst().body()).contains("was restored again and verified");
    }

    @Test
    void openIncidentsAreListedAndCanBeAcknowledged() throws Exception {
        BackupFailed failed = failure("api-db", "timeout");
        send(Topics.BACKUP_FAILED, "api-db", EventJson.writeString(failed));
        awaitPosts(slack, failed.jobId().toString());

        List<JsonNode> open = incidents("?state=open&target=api-db");
        assertThat(open).hasSize(1);
        JsonNode incident = open.getFirst();
        assertThat(incident.get("kind").asString()).isEqualTo("BACKUP_FAILING");
        assertThat(incident.get("jobs").asInt()).isEqualTo(1);
        String acknowledge = "/api/v1/incidents/" + incident.get("id").asString() + "/acknowledge";
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(url(acknowledge)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> viewer = http.send(TestTokens.bearer(HttpRequest.newBuilder(url(acknowledge)), VIEWER)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(incidents("?state=open&target=api-db").getFirst().hasNonNull("acknowledgedBy")).as("refused: nothing changed").isFalse();
        HttpResponse<String> acknowledged = http.send(TestTokens.bearer(HttpRequest.newBuilder(url(acknowledge)), ALICE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"note\": \"restoring the replica\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(acknowledged.statusCode()).isEqualTo(200);
        assertThat(EventJson.mapper().readTree(acknowledged.body()).get("acknowledgedBy").asString()).isEqualTo("alice");
        assertThat(incidents("?state=open&target=api-db").getFirst().get("acknowledgedBy").asString()).isEqualTo("alice");
        HttpResponse<String> bad = http.send(TestTokens.bearer(HttpRequest.newBuilder(url("/api/v1/incidents?state=sideways")), VIEWER)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
    }


    @Test
    void theWeeklyReportCountsWhatHappenedToATargetInThePeriodAndStatesItsCopiesRetentionAndIncidents() throws Exception {
        JsonNode row = reportRow();

        assertThat(row.get("backupsTaken").asInt()).as("A, B, D and E; H was stored at the period's end, which is excluded").isEqualTo(4);
        assertThat(row.get("verified").asInt()).isEqualTo(3);
        assertThat(row.get("backupsFailed").asInt()).as("C; G failed after the period").isEqualTo(1);
        assertThat(row.get("verificationsFailed").asInt()).isEqualTo(1);
        assertThat(row.get("inconclusive").asInt()).isZero();
        assertThat(row.get("size").get("firstBytes").asLong()).isEqualTo(1_000_000L);
        assertThat(row.get("size").get("lastBytes").asLong()).isEqualTo(1_250_000L);
        assertThat(row.get("size").get("changePercent").decimalValue()).isEqualByComparingTo("25.0");
        assertThat(row.get("slowestRestore").get("jobId").asString()).isEqualTo(reportJobs.get("D").toString());
        assertThat(row.get("slowestRestore").get("seconds").decimalValue()).isEqualByComparingTo("9.0");
        assertThat(row.get("lastVerified").get("jobId").asString()).isEqualTo(reportJobs.get("E").toString());
        assertThat(row.get("lastVerified").get("ageSeconds").asLong()).isEqualTo(Duration.ofDays(2).minusHours(1).toSeconds());
        assertThat(row.get("copies").get("copiesChecked").asInt()).isEqualTo(6);
        assertThat(row.get("copies").get("problems").asInt()).isZero();
        assertThat(row.get("retention").get("kept").asInt()).isEqualTo(3);
        assertThat(row.get("retention").get("deleted").asInt()).isEqualTo(1);
        List<String> kinds = new java.util.ArrayList<>();
        row.get("openIncidents").forEach(i -> kinds.add(i.get("kind").asString()));
        assertThat(kinds).containsExactly("CONTENT_ANOMALY", "BACKUP_FAILING");
        assertThat(row.get("attention").toString()).contains("1 backup failed").contains("1 verification failed").contains("2 open incidents");

        HttpResponse<String> page = get("/api/v1/reports/weekly.html?from=" + REPORT_FROM + "&to=" + REPORT_TO);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<h2>report-db").contains("@media print").contains("+25.0%")
                .contains("lost most rows of table public.&lt;b&gt;big&lt;/b&gt;").doesNotContain(BIG_TABLE)
                .doesNotContain("<script").doesNotContain("<link").doesNotContain("src=");

        HttpResponse<String> defaults = get("/api/v1/reports/weekly");
        assertThat(defaults.statusCode()).isEqualTo(200);
        JsonNode lastWeek = EventJson.mapper().readTree(defaults.body());
        assertThat(Duration.between(Instant.parse(lastWeek.get("period").get("from").asString()),
                Instant.parse(lastWeek.get("period").get("to").asString()))).as("by default the last 7 days").isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aReportPeriodThatMakesNoSenseIsRefusedSayingWhy() throws Exception {
        HttpResponse<String> reversed = get("/api/v1/reports/weekly?from=2026-11-08&to=2026-11-01");
        assertThat(reversed.statusCode()).isEqualTo(400);
        assertThat(reversed.body()).contains("must be before to");
        HttpResponse<String> tooLong = get("/api/v1/reports/weekly?from=2020-01-01&to=2026-01-01");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("longer than 400 days");
        HttpResponse<String> notADate = get("/api/v1/reports/weekly.html?from=last-tuesday");
        assertThat(notADate.statusCode()).isEqualTo(400);
        assertThat(notADate.body()).contains("from must be an ISO-8601 instant (2026-11-01T00:00:00Z) or date (2026-11-01), got: last-tuesday");
        HttpResponse<String> badFormat = get("/api/v1/audit/verifications?format=xlsx");
        assertThat(badFormat.statusCode()).isEqualTo(400);
        assertThat(badFormat.body()).contains("format must be csv or json");
    }

    @Test
    void theAuditExportListsEveryVerificationWithItsEvidenceAsCsvThatASpreadsheetCannotRun() throws Exception {
        reportRow();

        HttpResponse<String> response = get("/api/v1/audit/verifications?from=" + REPORT_FROM + "&to=" + REPORT_TO + "&format=csv");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(response.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment")
                .contains("vigil-verifications-" + COMPACT.format(REPORT_FROM) + "-" + COMPACT.format(REPORT_TO) + ".csv");
        List<List<String>> lines = parseCsv(response.body());
        List<String> header = lines.getFirst();
        assertThat(header).startsWith("target", "job", "verdict", "verified_at", "stored_at", "size_bytes", "sha256")
                .contains("restore_seconds", "tables_compared", "total_rows", "differences", "first_difference", "checks_passed",
                        "checks_failed", "copies");
        List<Map<String, String>> rows = lines.subList(1, lines.size()).stream().map(line -> {
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), line.get(i));
            }
            return row;
        }).filter(row -> row.get("target").equals(REPORT_TARGET)).toList();
        assertThat(rows).extracting(row -> row.get("job")).as("one row per verification in the period, oldest first")
                .containsExactly(reportJobs.get("A").toString(), reportJobs.get("B").toString(), reportJobs.get("D").toString(),
                        reportJobs.get("E").toString());
        Map<String, String> failed = rows.get(2);
        assertThat(failed.get("verdict")).isEqualTo("FAILED");
        assertThat(failed.get("first_difference")).as("a formula comes out as text").isEqualTo("'" + FORMULA);
        assertThat(failed.get("differences")).isEqualTo("2");
        assertThat(failed.get("checks_passed")).isEqualTo("1");
        assertThat(failed.get("checks_failed")).isEqualTo("1");
        assertThat(failed.get("failed_checks")).isEqualTo("'@sum of totals");
        assertThat(failed.get("restore_seconds")).isEqualTo("9.000");
        Map<String, String> passed = rows.get(0);
        assertThat(passed.get("sha256")).isEqualTo("ab".repeat(32));
        assertThat(passed.get("size_bytes")).isEqualTo("1000000");
        assertThat(passed.get("tables_compared")).isEqualTo("2");
        assertThat(passed.get("total_rows")).isEqualTo("2000");
        assertThat(passed.get("encryption_key_id")).isEqualTo("key-2026");
        assertThat(passed.get("copies")).isEqualTo("primary:bucket/report-db/" + reportJobs.get("A") + ".dump.zst.enc; offsite:replica-bucket/report-db/"
                + reportJobs.get("A") + ".dump.zst.enc");
        assertThat(passed.get("stored_at")).isEqualTo(REPORT_FROM.toString());

        JsonNode json = EventJson.mapper().readTree(get("/api/v1/audit/verifications?from=" + REPORT_FROM + "&to=" + REPORT_TO + "&format=json").body());
        JsonNode failedJson = java.util.stream.StreamSupport.stream(json.get("verifications").spliterator(), false)
                .filter(v -> v.get("jobId").asString().equals(reportJobs.get("D").toString())).findFirst().orElseThrow();
        assertThat(failedJson.get("differences").get(0).asString()).as("JSON keeps the text as it was").isEqualTo(FORMULA);
        assertThat(failedJson.get("checks").toString()).contains("@sum of totals").contains("orders not empty");
        assertThat(failedJson.get("copies").size()).isEqualTo(2);
    }

    @Test
    void theWeeklyReportIsEmailedOnceToTheSubscriptionThatAsksForItAndToNoOtherChannel() throws Exception {
        reportRow();

        assertThat(weeklyReport.sendNow(REPORT_TO)).as("owed to one subscription").isEqualTo(1);
        assertThat(weeklyReport.sendNow(REPORT_TO)).as("a second run for the same period, as another instance would make").isZero();

        String subject = "[Vigil] Weekly backup report " + new dev.vigil.notifier.report.Period(REPORT_FROM, REPORT_TO).days();
        List<MimeMessage> reports = Arrivals.of("weekly report emails", () -> reportMails(subject)).arriveWithin(Duration.ofSeconds(30), 1);
        Arrivals.of("weekly report emails", () -> reportMails(subject)).noMoreArriveWithin(Duration.ofSeconds(2));
        assertThat(reports).hasSize(1);
        MimeMessage mail = reports.getFirst();
        assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly("reports@example.com");
        String body = body(mail);
        assertThat(body).contains("text/plain").contains("text/html").contains("report-db: ")
                .contains("1 verification failed").contains("lost most rows of table public.&lt;b&gt;big&lt;/b&gt;")
                .as("only the targets its subscription covers").doesNotContain("pay-db").doesNotContain("billing-db");
        assertThat(reportsHook.received()).as("webhook and Slack channels get no report").noneMatch(r -> r.body().contains("Weekly backup report"));
        assertThat(slack.received()).noneMatch(r -> r.body().contains("Weekly backup report"));
    }

    // --- helpers

    /**
     * Publishes the report scenario once (a week of report-db, with jobs before, in and at the end of
     * it), then answers report-db's row of that week's report as soon as everything has been handled.
     * Events older than the alert horizon: incidents change, nobody is alerted.
     */
    private JsonNode reportRow() throws Exception {
        synchronized (reportJobs) {
            if (reportJobs.isEmpty()) {
                publishReportScenario();
            }
        }
        return Arrivals.of("report-db's complete row of the report", () -> {
            try {
                HttpResponse<String> response = get("/api/v1/reports/weekly?from=" + REPORT_FROM + "&to=" + REPORT_TO);
                JsonNode report = EventJson.mapper().readTree(response.body());
                List<JsonNode> complete = new java.util.ArrayList<>();
                report.get("targets").forEach(row -> {
                    if (row.get("targetId").asString().equals(REPORT_TARGET) && row.get("backupsTaken").asInt() == 4 && row.get("verified").asInt() == 3
                            && row.get("backupsFailed").asInt() == 1 && row.get("verificationsFailed").asInt() == 1
                            && row.path("size").path("lastBytes").asLong() == 1_250_000L
                            && row.path("copies").isObject() && row.path("retention").isObject() && row.get("openIncidents").size() == 2) {
                        complete.add(row);
                    }
                });
                return complete;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).arriveWithin(Duration.ofSeconds(60), 1).getFirst();
    }

    private static void publishReportScenario() {
        Instant day = REPORT_FROM;
        Map<String, Long> rows = Map.of("orders", 1_000L, BIG_TABLE, 1_000L);
        // F: before the period, history only.
        storedAt("F", day.minus(Duration.ofDays(1)), 900_000);
        verifiedAt("F", day.minus(Duration.ofDays(1)).plusSeconds(600), Verdict.PASSED, rows, 2_000, List.of(), List.of());
        // A: stored at the very start of the period, which is included.
        storedAt("A", day, 1_000_000);
        verifiedAt("A", day.plusSeconds(600), Verdict.PASSED, rows, 2_500, List.of(), List.of());
        storedAt("B", day.plus(Duration.ofDays(1)), 1_100_000);
        verifiedAt("B", day.plus(Duration.ofDays(1)).plusSeconds(600), Verdict.PASSED, rows, 4_200, List.of(), List.of());
        JobId c = JobId.random();
        reportJobs.put("C", c);
        send(Topics.BACKUP_FAILED, REPORT_TARGET, EventJson.writeString(new BackupFailed(java.util.UUID.randomUUID(), day.plus(Duration.ofDays(2)),
                BackupFailed.SCHEMA_VERSION, c, new TargetId(REPORT_TARGET), dev.vigil.contracts.Stage.DUMP, FailureClass.UNREACHABLE, "timeout")));
        storedAt("D", day.plus(Duration.ofDays(3)), 1_200_000);
        verifiedAt("D", day.plus(Duration.ofDays(3)).plusSeconds(600), Verdict.FAILED, rows, 9_000,
                List.of(FORMULA, "table public.customers: expected 10 rows, found 9"),
                List.of(new CheckResult("orders not empty", true, "1000"), new CheckResult("@sum of totals", false, "-5")));
        // E: the big table emptied, a content anomaly (open now); the newest verified backup before the period's end.
        storedAt("E", day.plus(Duration.ofDays(5)), 1_250_000);
        verifiedAt("E", day.plus(Duration.ofDays(5)).plusSeconds(3_600), Verdict.PASSED, Map.of("orders", 1_000L, BIG_TABLE, 0L), 3_000,
                List.of(), List.of());
        // H: stored at the period's end, which is excluded; G failed after it (an open incident, not counted).
        storedAt("H", REPORT_TO, 1_300_000);
        JobId g = JobId.random();
        reportJobs.put("G", g);
        send(Topics.BACKUP_FAILED, REPORT_TARGET, EventJson.writeString(new BackupFailed(java.util.UUID.randomUUID(), REPORT_TO.plusSeconds(3_600),
                BackupFailed.SCHEMA_VERSION, g, new TargetId(REPORT_TARGET), dev.vigil.contracts.Stage.STORE, FailureClass.STORAGE, "bucket gone")));
        send(Topics.COPIES_CHECKED, REPORT_TARGET, EventJson.writeString(CopiesChecked.now(new TargetId(REPORT_TARGET), 3, 6, List.of())));
        send(Topics.RETENTION_APPLIED, REPORT_TARGET, EventJson.writeString(RetentionApplied.now(new TargetId(REPORT_TARGET), RetentionPolicy.DEFAULTS,
                List.of(retained("E"), retained("B"), retained("A")), List.of(retained("F")))));
    }

    private static RetainedBackup retained(String job) {
        return new RetainedBackup(reportJobs.get(job), REPORT_FROM, REPORT_TARGET + "/" + reportJobs.get(job) + ".dump.zst.enc", List.of("daily"));
    }

    private static void storedAt(String name, Instant at, long size) {
        JobId job = JobId.random();
        reportJobs.put(name, job);
        Artifact artifact = new Artifact("custom", size, "ab".repeat(32), "16.4", "16.4", List.of(new TableRowCount("public", "orders", 1_000)),
                "zstd", "key-2026", null);
        String key = REPORT_TARGET + "/" + job + ".dump.zst.enc";
        send(Topics.ARTIFACT_STORED, REPORT_TARGET, EventJson.writeString(new ArtifactStored(java.util.UUID.randomUUID(), at,
                ArtifactStored.SCHEMA_VERSION, job, new TargetId(REPORT_TARGET), new StoredObject("primary", "bucket", key), artifact,
                List.of(new StoredObject("offsite", "replica-bucket", key)))));
    }

    private static void verifiedAt(String name, Instant at, Verdict verdict, Map<String, Long> rows, long restoreMillis, List<String> differences,
            List<CheckResult> checks) {
        List<TableCheck> tables = rows.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new TableCheck("public", e.getKey(), e.getValue(), e.getValue())).toList();
        send(Topics.BACKUP_VERIFIED, REPORT_TARGET, EventJson.writeString(new BackupVerified(java.util.UUID.randomUUID(), at,
                BackupVerified.SCHEMA_VERSION, reportJobs.get(name), new TargetId(REPORT_TARGET), verdict, differences, tables, restoreMillis,
                List.of(), checks)));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(TestTokens.bearer(HttpRequest.newBuilder(url(path)), VIEWER).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<MimeMessage> reportMails(String subject) {
        return smtp.messages().stream().filter(m -> {
            try {
                return subject.equals(m.getSubject());
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** RFC 4180: fields separated by commas, quoted fields may hold commas, doubled quotes and line breaks, lines end with CRLF. */
    private static List<List<String>> parseCsv(String text) {
        assertThat(text).as("lines end with CRLF").endsWith("\r\n");
        List<List<String>> lines = new java.util.ArrayList<>();
        List<String> line = new java.util.ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                line.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                line.add(field.toString());
                field.setLength(0);
                lines.add(line);
                line = new java.util.ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        return lines;
    }

    private static void announce(String target, Map<String, String> labels, Monitoring monitoring) {
        TargetConfigured settings = TargetConfigured.now(new TargetId(target), new Connection("db.internal", 5432, target, "backup", null, null),
                DumpOptions.defaults(), null, List.of(), labels, monitoring);
        send(Topics.TARGETS, target, EventJson.writeString(settings));
    }

    private static BackupFailed failure(String target, String reason) {
        return BackupFailed.now(JobId.random(), new TargetId(target), dev.vigil.contracts.Stage.DUMP, FailureClass.UNREACHABLE, reason);
    }

    private static void stored(String target, JobId job, long size) {
        Artifact artifact = new Artifact("custom", size, "0".repeat(64), "16.4", "16.4", List.of(new TableRowCount("public", "t", 1)));
        send(Topics.ARTIFACT_STORED, target, EventJson.writeString(ArtifactStored.now(job, new TargetId(target),
                new StoredObject("primary", "bucket", target + "/" + job + ".dump"), artifact)));
    }

    private static void verified(String target, JobId job, Verdict verdict, Map<String, Long> rows) {
        List<TableCheck> tables = rows.entrySet().stream().map(e -> new TableCheck("public", e.getKey(), e.getValue(), e.getValue())).toList();
        send(Topics.BACKUP_VERIFIED, target, EventJson.writeString(BackupVerified.now(job, new TargetId(target), verdict, List.of(), tables, 1_500)));
    }

    private static void send(String topic, String key, String payload) {
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), topic, key, payload);
    }

    private List<JsonNode> incidents(String query) throws Exception {
        String body = http.send(TestTokens.bearer(HttpRequest.newBuilder(url("/api/v1/incidents" + query)), VIEWER).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        List<JsonNode> list = new java.util.ArrayList<>();
        EventJson.mapper().readTree(body).forEach(list::add);
        return list;
    }

    private URI url(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static String hmac(String key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<WebhookReceiver.Received> awaitPosts(WebhookReceiver receiver, String containing) {
        return Arrivals.of("posts containing " + containing, () -> posts(receiver, containing)).arriveWithin(Duration.ofSeconds(30), 1);
    }

    private static List<MimeMessage> awaitMails(String containing) {
        return Arrivals.of("emails containing " + containing, () -> mails(containing)).arriveWithin(Duration.ofSeconds(30), 1);
    }

    private static List<WebhookReceiver.Received> posts(WebhookReceiver receiver, String containing) {
        return receiver.received().stream().filter(r -> r.body().contains(containing)).toList();
    }

    private static List<MimeMessage> mails(String containing) {
        return smtp.messages().stream().filter(m -> body(m).contains(containing)).toList();
    }

    private static String body(MimeMessage message) {
        return LocalSmtp.text(message);
    }
}
