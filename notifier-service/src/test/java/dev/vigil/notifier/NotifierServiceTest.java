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
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.local.LocalSmtp;
import dev.vigil.local.WebhookReceiver;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
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
        ServiceTestSettings.kafkaAndDatabase(registry, "notifier_test");
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

        List<WebhookReceiver.Received> posts = awaitPosts(failed.jobId(), 1);
        List<MimeMessage> mails = awaitMails(failed.jobId(), 1);
        Thread.sleep(2000);
        assertThat(posts(failed.jobId())).hasSize(1);
        assertThat(mails(failed.jobId())).hasSize(1);
        assertThat(posts.getFirst().body()).contains("billing-db").contains("Connection refused").contains("UNREACHABLE");
        MimeMessage mail = mails.getFirst();
        assertThat(mail.getSubject()).contains("billing-db").contains("failed");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
        assertThat(mail.getContent().toString()).contains("Job: " + failed.jobId()).contains("Connection refused");
    }

    @Test
    void aFailedVerdictAlertsWithTheDifferencesAndAPassedOneStaysQuiet() throws Exception {
        BackupVerified passed = BackupVerified.now(JobId.random(), new TargetId("billing-db"), Verdict.PASSED, List.of(),
                List.of(new TableCheck("public", "t", 1, 1L)), 5);
        BackupVerified failed = BackupVerified.now(JobId.random(), new TargetId("billing-db"), Verdict.FAILED,
                List.of("table public.t: expected 2 rows, found 1"), List.of(new TableCheck("public", "t", 2, 1L)), 5);

        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_VERIFIED, "billing-db", EventJson.writeString(passed));
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_VERIFIED, "billing-db", EventJson.writeString(failed));

        assertThat(awaitPosts(failed.jobId(), 1).getFirst().body()).contains("failed verification").contains("expected 2 rows, found 1");
        assertThat(awaitMails(failed.jobId(), 1)).hasSize(1);
        assertThat(posts(passed.jobId())).isEmpty();
        assertThat(mails(passed.jobId())).isEmpty();
    }

    private static List<WebhookReceiver.Received> awaitPosts(JobId jobId, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (posts(jobId).size() < count && System.currentTimeMillis() < deadline) {
            slack.await(slack.received().size() + 1, 500);
        }
        assertThat(posts(jobId)).as("webhook posts for job %s", jobId).hasSizeGreaterThanOrEqualTo(count);
        return posts(jobId);
    }

    private static List<MimeMessage> awaitMails(JobId jobId, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (mails(jobId).size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(mails(jobId)).as("emails for job %s", jobId).hasSizeGreaterThanOrEqualTo(count);
        return mails(jobId);
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
