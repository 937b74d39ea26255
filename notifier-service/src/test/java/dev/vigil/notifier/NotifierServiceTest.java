package dev.vigil.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.CopiesChecked;
import dev.vigil.contracts.CopyFault;
import dev.vigil.contracts.CopyProblem;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Monitoring;
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
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The notifier against a real broker, PostgreSQL, SMTP server and webhook receivers: incidents
 * instead of alert storms, recovery messages, freshness, anomalies, team subscriptions, signed
 * webhooks, and channels that are down.
 */
// Closed after the class, while the shared broker and database still run (they stop at JVM exit).
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=notifier-service")
class NotifierServiceTest {

    private static final String SECRET = "payments-shared-secret-0123456789";
    private static final LocalSmtp smtp = LocalSmtp.start();
    private static final WebhookReceiver slack = WebhookReceiver.start();
    private static final WebhookReceiver payments = WebhookReceiver.start();
    private static final WebhookReceiver search = WebhookReceiver.start();

    @LocalServerPort
    int port;

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
        // The targets the subscriptions cover, announced before the notifier starts (it checks them at start-up).
        announce("pay-db", Map.of("team", "payments"), Monitoring.DEFAULTS);
        announce("search-db", Map.of("team", "search"), Monitoring.DEFAULTS);
        announce("ledger-db", Map.of("team", "payments"), Monitoring.DEFAULTS);
    }

    @AfterAll
    static void stop() {
        smtp.close();
        slack.close();
        payments.close();
        search.close();
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
                List.of("table public.t: expected 2 rows, found 1"), List.of(new TableCheck("public", "t", 2, 1L)), 5);

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
    void openIncidentsAreListedAndCanBeAcknowledged() throws Exception {
        BackupFailed failed = failure("api-db", "timeout");
        send(Topics.BACKUP_FAILED, "api-db", EventJson.writeString(failed));
        awaitPosts(slack, failed.jobId().toString());

        List<JsonNode> open = incidents("?state=open&target=api-db");
        assertThat(open).hasSize(1);
        JsonNode incident = open.getFirst();
        assertThat(incident.get("kind").asString()).isEqualTo("BACKUP_FAILING");
        assertThat(incident.get("jobs").asInt()).isEqualTo(1);
        HttpResponse<String> acknowledged = http.send(HttpRequest.newBuilder(url("/api/v1/incidents/" + incident.get("id").asString() + "/acknowledge"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"by\": \"alice\", \"note\": \"restoring the replica\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(acknowledged.statusCode()).isEqualTo(200);
        assertThat(EventJson.mapper().readTree(acknowledged.body()).get("acknowledgedBy").asString()).isEqualTo("alice");
        assertThat(incidents("?state=open&target=api-db").getFirst().get("acknowledgedBy").asString()).isEqualTo("alice");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(url("/api/v1/incidents/" + incident.get("id").asString() + "/acknowledge"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(400);
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(url("/api/v1/incidents?state=sideways")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    // --- helpers

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
        String body = http.send(HttpRequest.newBuilder(url("/api/v1/incidents" + query)).build(), HttpResponse.BodyHandlers.ofString()).body();
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
