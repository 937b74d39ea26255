package dev.vigil.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.BrokerRights;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The outbox against a real broker and PostgreSQL, with the producer's max.request.size set low. */
@DirtiesContext
@SpringBootTest(classes = OutboxRelayTest.App.class, properties = {
        "spring.config.name=vigil-common",
        "spring.application.name=outbox-test",
        "spring.flyway.locations=classpath:db/outbox",
        "spring.cloud.stream.kafka.binder.producerProperties.max.request.size=20000",
        "vigil.outbox.poll-interval=100ms",
        "vigil.outbox.max-attempts=3",
        "vigil.outbox.initial-backoff=200ms",
        "vigil.outbox.max-backoff=1s"})
@ExtendWith(OutputCaptureExtension.class)
class OutboxRelayTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        // As a dump worker, one of the services that may publish BackupFailed.
        ServiceTestSettings.kafkaAndDatabase(registry, BrokerRights.WORKER, "outbox_test");
    }

    @Autowired
    Outbox outbox;

    @Autowired
    OutboxRelay relay;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Autowired
    DataSource dataSource;

    @Autowired
    MeterRegistry meters;

    @Test
    void anEventTooLargeForTheBrokerIsDeadLetteredAfterItsAttemptsAndTheEventsBehindItArePublished(CapturedOutput output) {
        TargetId target = new TargetId("outbox-large");
        BackupFailed tooLarge = failed(target, "x".repeat(60_000));
        BackupFailed behindIt = failed(target, "the next event of the same target");
        BackupFailed otherTarget = failed(new TargetId("outbox-other"), "an event of another target");

        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_FAILED)) {
            inTransaction(() -> outbox.append(tooLarge));
            inTransaction(() -> {
                outbox.append(behindIt);
                outbox.append(otherTarget);
            });

            probe.await(r -> r.value().contains(otherTarget.jobId().toString()), Duration.ofSeconds(30));
            probe.await(r -> r.value().contains(behindIt.jobId().toString()), Duration.ofSeconds(30));
            assertThat(probe.seen(Duration.ofMillis(500))).as("the dead-lettered event never reaches the topic")
                    .noneMatch(r -> r.value().contains(tooLarge.jobId().toString()));
        }

        Map<String, Object> dead = jdbc().sql("select * from outbox_dead_letter where message_key = 'outbox-large'").query().singleRow();
        assertThat(dead).containsEntry("event_type", "BackupFailed").containsEntry("topic", Topics.BACKUP_FAILED).containsEntry("attempts", 3);
        assertThat((String) dead.get("error")).contains("RecordTooLargeException").contains("max.request.size");
        assertThat(dead.get("first_failed_at")).isNotNull();
        assertThat(dead.get("last_failed_at")).isNotNull();
        assertThat(new String((byte[]) dead.get("payload"))).as("kept for an operator").contains(tooLarge.jobId().toString());
        assertThat(jdbc().sql("select count(*) from outbox where published_at is null").query(Integer.class).single()).isZero();
        // Order kept per key: the event behind the large one went out only after it was given up.
        assertThat(jdbc().sql("""
                select o.published_at >= d.dead_at from outbox o, outbox_dead_letter d
                where d.message_key = 'outbox-large' and o.message_key = 'outbox-large'""").query(Boolean.class).single()).isTrue();

        assertThat(output.getOut()).contains("outbox gave up on BackupFailed (key outbox-large, topic vigil.backup.failed")
                .contains("after 3 attempt(s)").contains("RecordTooLargeException").doesNotContain("x".repeat(100));
        assertThat(meters.counter(OutboxRelay.DEAD_LETTERS, "topic", Topics.BACKUP_FAILED, "event_type", "BackupFailed").count())
                .isEqualTo(1.0);
    }

    @Test
    void publishedRowsAreDeletedOnceOlderThanTheKeepWindowAndNoOtherRow() {
        TargetId target = new TargetId("outbox-prune");
        List<BackupFailed> events = List.of(failed(target, "one"), failed(target, "two"), failed(target, "three"));
        inTransaction(() -> events.forEach(outbox::append));
        await("the three published").atMost(Duration.ofSeconds(30)).until(() -> jdbc().sql(
                "select count(*) from outbox where message_key = 'outbox-prune' and published_at is not null").query(Integer.class).single() == 3);
        // Two were published two days ago: past the default keep-published of a day.
        jdbc().sql("""
                update outbox set published_at = now() - interval '2 days'
                where id in (select id from outbox where message_key = 'outbox-prune' order by id limit 2)""").update();

        int pruned = relay.prunePublished();

        assertThat(pruned).isEqualTo(2);
        assertThat(jdbc().sql("select convert_from(payload, 'UTF8') from outbox where message_key = 'outbox-prune'").query(String.class).list())
                .singleElement().asString().contains(events.get(2).jobId().toString());
        assertThat(relay.prunePublished()).as("a second run").isZero();
    }

    private static BackupFailed failed(TargetId target, String reason) {
        return BackupFailed.now(JobId.random(), target, Stage.STORE, FailureClass.STORAGE, reason);
    }

    private void inTransaction(Runnable work) {
        new TransactionTemplate(transactionManager).executeWithoutResult(status -> work.run());
    }

    private JdbcClient jdbc() {
        return JdbcClient.create(dataSource);
    }
}
