package dev.vigil.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TableCheck;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.Arrivals;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.local.LocalSmtp;
import dev.vigil.local.WebhookReceiver;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The notifier against a real broker, PostgreSQL, SMTP server and webhook receiver. */
// Closed after the class, while the shared broker and database still run (they stop at JVM exit).
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=notifier-service")
class NotifierServiceTest {

    private static final LocalSmtp smtp = LocalSmtp.start();
    private static final WebhookReceiver slack = WebhookReceiver.start();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafkaAndDatabase(registry, NotifierApplication.NAME, "notifier_test");
        registry.add("spring.mail.host", smtp::host);
        registry.add("spring.mail.port", smtp::port);
        registry.add("vigil.notifier.email-to", () -> "oncall@example.com");
        registry.add("vigil.notifier.slack-webhook-url", () -> slack.url("/services/T0/B0/secret-token"));
    }

    @AfterAll
    static void stop() {
        smtp.close();
        slack.close();
    }

    @Test
    void aFailedBackupAlertsSlackAndEmailOnceEachNamingTargetJobAndReasonEvenWhenRedelivered() throws Exception {
        BackupFailed failed = BackupFailed.now(JobId.random(), new TargetId("billing-db"), Stage.DUMP, FailureClass.UNREACHABLE,
                "could not connect to backup@db:5432/billing: Connection refused");
        String payload = EventJson.writeString(failed);

        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_FAILED, "billing-db", payload);
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_FAILED, "billing-db", payload);

        List<WebhookReceiver.Received> posts = awaitPosts(failed.jobId());
        List<MimeMessage> mails = awaitMails(failed.jobId());
        // The redelivery was sent right behind the first delivery: alerts it caused would follow the first ones within milliseconds.
        Arrivals.of("alerts for job " + failed.jobId(), () -> Stream.concat(posts(failed.jobId()).stream(), mails(failed.jobId()).stream()).toList())
                .noMoreArriveWithin(Duration.ofSeconds(1));
        assertThat(posts(failed.jobId())).hasSize(1);
        assertThat(mails(failed.jobId())).hasSize(1);
        assertThat(posts.getFirst().body()).contains("billing-db").contains("Connection refused").contains("UNREACHABLE");
        MimeMessage mail = mails.getFirst();
        assertThat(mail.getSubject()).contains("billing-db").contains("failed");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
        assertThat(mail.getContent().toString()).contains("Job: " + failed.jobId()).contains("Connection refused");
    }

    @Test
    void whatAnEventCarriesReachesSlackAsPlainTextOfBoundedLength() throws Exception {
        String reason = "<!channel> see <https://evil.example/login|the dashboard> & " + "x".repeat(10_000);
        BackupFailed failed = BackupFailed.now(JobId.random(), new TargetId("billing-db"), Stage.STORE, FailureClass.STORAGE, reason);

        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_FAILED, "billing-db", EventJson.writeString(failed));

        String text = EventJson.mapper().readTree(awaitPosts(failed.jobId()).getFirst().body()).get("text").asString();
        assertThat(text).contains("&lt;!channel&gt; see &lt;https://evil.example/login|the dashboard&gt; &amp; ")
                .doesNotContain("<!channel>").doesNotContain("<https://");
        assertThat(text.length()).isLessThan(3_300);
        assertThat(text).contains("more characters");
        assertThat(awaitMails(failed.jobId()).getFirst().getContent().toString()).as("the email keeps the whole reason").contains(reason);
    }

    @Test
    void aFailedVerdictAlertsWithTheDifferencesAndAPassedOneStaysQuiet() throws Exception {
        BackupVerified passed = BackupVerified.now(JobId.random(), new TargetId("billing-db"), Verdict.PASSED, List.of(),
                List.of(new TableCheck("public", "t", 1, 1L)), 5);
        BackupVerified failed = BackupVerified.now(JobId.random(), new TargetId("billing-db"), Verdict.FAILED,
                List.of("table public.t: expected 2 rows, found 1"), List.of(new TableCheck("public", "t", 2, 1L)), 5);

        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_VERIFIED, "billing-db", EventJson.writeString(passed));
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_VERIFIED, "billing-db", EventJson.writeString(failed));

        assertThat(awaitPosts(failed.jobId()).getFirst().body()).contains("failed verification").contains("expected 2 rows, found 1");
        assertThat(awaitMails(failed.jobId())).hasSize(1);
        assertThat(posts(passed.jobId())).isEmpty();
        assertThat(mails(passed.jobId())).isEmpty();
    }

    private static List<WebhookReceiver.Received> awaitPosts(JobId jobId) {
        return Arrivals.of("Slack posts for job " + jobId, () -> posts(jobId)).arriveWithin(Duration.ofSeconds(30), 1);
    }

    private static List<MimeMessage> awaitMails(JobId jobId) {
        return Arrivals.of("emails for job " + jobId, () -> mails(jobId)).arriveWithin(Duration.ofSeconds(30), 1);
    }

    private static List<WebhookReceiver.Received> posts(JobId jobId) {
        return slack.received().stream().filter(r -> r.body().contains(jobId.toString())).toList();
    }

    private static List<MimeMessage> mails(JobId jobId) {
        return smtp.messages().stream().filter(m -> {
            try {
                return m.getContent().toString().contains(jobId.toString());
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }
}
