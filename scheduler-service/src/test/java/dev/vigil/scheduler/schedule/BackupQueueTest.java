package dev.vigil.scheduler.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Trigger;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.scheduler.SchedulerApplication;
import dev.vigil.scheduler.job.JobQueue;
import dev.vigil.scheduler.job.JobRegistry;
import dev.vigil.scheduler.target.Target;
import dev.vigil.scheduler.target.TargetList;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Many firings at once with {@code vigil.scheduler.max-in-flight: 2}: two backups are requested, the others
 * wait QUEUED and are released one by one as jobs finish (the registry reads their end from the broker),
 * round-robin across targets; the queue's gauges follow; releasers racing release each job once.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {"spring.config.name=scheduler-service",
        "vigil.scheduler.max-in-flight=2"})
class BackupQueueTest {


    @Autowired
    BackupSchedules schedules;

    @Autowired
    JobQueue queue;

    @Autowired
    JobRegistry registry;

    @Autowired
    TargetList targets;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafkaAndDatabase(registry, SchedulerApplication.NAME, "scheduler_queue_test");
        registry.add("vigil.scheduler.targets-file", () -> "src/test/resources/stampede-targets.yml");
    }

    /** Each test starts with nothing in flight and nothing queued: what an earlier one left is ended. */
    @BeforeEach
    void nothingInFlight() {
        jdbc.sql("update jobs set failed_at = now() where status in ('QUEUED', 'REQUESTED', 'DUMPING', 'DUMPED', 'STORED')").update();
    }

    @Test
    void whenManyTargetsAreDueTogetherTwoAreRequestedAndEachFinishedJobReleasesTheNextRoundRobinAcrossTargets() {
        long outboxBefore = lastOutboxRow();
        Instant firedAt = Instant.now();
        // Instants no earlier run of this test claimed.
        Instant due = Instant.parse("2027-01-01T03:00:00Z")
                .plus(jdbc.sql("select count(*) from schedule_firings").query(Long.class).single(), java.time.temporal.ChronoUnit.DAYS);
        // alpha fires five times (two fill the places in flight, three wait), then bravo and charlie once each.
        List<JobId> alpha = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            alpha.add(schedules.fire(target("alpha-db"), due.plus(Duration.ofDays(i)), false).orElseThrow());
        }
        JobId bravo = schedules.fire(target("bravo-db"), due, false).orElseThrow();
        JobId charlie = schedules.fire(target("charlie-db"), due, true).orElseThrow();

        assertThat(requestedSince(outboxBefore)).as("only two requested: the limit").containsExactly(alpha.get(0), alpha.get(1));
        assertThat(statusOf(alpha.get(2))).isEqualTo("QUEUED");
        assertThat(statusOf(charlie)).as("a catch-up queues too").isEqualTo("QUEUED");
        assertThat(gauge("vigil.backup.queue.depth")).isEqualTo(5);
        assertThat(gauge("vigil.backups.in.flight")).isEqualTo(2);
        assertThat(gauge("vigil.backup.queue.oldest.seconds")).as("the oldest waited since it was queued")
                .isBetween(0.0, (double) Duration.between(firedAt, Instant.now()).toMillis() / 1000 + 1);

        // Each job that finishes makes room for one, taken by the target with the fewest backups in flight, then the oldest:
        // bravo while alpha still runs one, then alpha, then charlie while alpha runs one again, then alpha's last two.
        List<JobId> expectedOrder = List.of(bravo, alpha.get(2), charlie, alpha.get(3), alpha.get(4));
        List<JobId> finishing = new ArrayList<>(List.of(alpha.get(0), alpha.get(1)));
        for (int released = 1; released <= expectedOrder.size(); released++) {
            finish(finishing.removeFirst());
            List<JobId> expected = new ArrayList<>(List.of(alpha.get(0), alpha.get(1)));
            expected.addAll(expectedOrder.subList(0, released));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(requestedSince(outboxBefore)).containsExactlyElementsOf(expected));
            assertThat(gauge("vigil.backups.in.flight")).as("never more than the limit").isLessThanOrEqualTo(2);
            finishing.add(expectedOrder.get(released - 1));
        }
        assertThat(gauge("vigil.backup.queue.depth")).isZero();
        assertThat(gauge("vigil.backup.queue.oldest.seconds")).isZero();
        assertThat(statusOf(alpha.get(4))).as("released last, running").isEqualTo("REQUESTED");
    }

    @Test
    void releasersRacingEachOtherReleaseEachQueuedJobOnceAndKeepTheLimit() throws Exception {
        long outboxBefore = lastOutboxRow();
        List<JobId> queued = new ArrayList<>();
        for (String target : List.of("alpha-db", "bravo-db", "charlie-db", "alpha-db")) {
            queued.add(registry.queue(new TargetId(target), Trigger.SCHEDULE, "schedule 0 0 3 1 1 *", null));
        }

        CountDownLatch together = new CountDownLatch(1);
        List<JobId> released = new ArrayList<>();
        try (ExecutorService replicas = Executors.newFixedThreadPool(4)) {
            List<Future<List<JobId>>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(replicas.submit(() -> {
                    together.await();
                    return queue.release();
                }));
            }
            together.countDown();
            for (Future<List<JobId>> answer : answers) {
                released.addAll(answer.get());
            }
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(requestedSince(outboxBefore)).hasSize(2));
        assertThat(released).as("released here (the release loop may have been first)").doesNotHaveDuplicates();
        assertThat(requestedSince(outboxBefore)).as("each once, the two oldest targets' first, within the limit")
                .containsExactly(queued.get(0), queued.get(1));
        assertThat(queue.release()).as("no room left").isEmpty();
        assertThat(statusOf(queued.get(2))).isEqualTo("QUEUED");
    }

    private Target target(String id) {
        return targets.find(new TargetId(id)).orElseThrow();
    }

    /** Ends the job as a worker would, through the broker. */
    private void finish(JobId job) {
        String target = jdbc.sql("select target_id from jobs where job_id = ?").param(job.value()).query(String.class).single();
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_FAILED, target, EventJson.writeString(
                BackupFailed.now(job, new TargetId(target), Stage.DUMP, FailureClass.DUMP_ERROR, "the test ends it")));
    }

    /** The jobs whose BackupRequested was appended to the outbox after row {@code after}, in order. */
    private List<JobId> requestedSince(long after) {
        return jdbc.sql("select convert_from(payload, 'UTF8') from outbox where id > ? and event_type = 'BackupRequested' order by id").param(after)
                .query(String.class).list().stream()
                .map(json -> new JobId(UUID.fromString(EventJson.mapper().readTree(json).get("jobId").asString()))).toList();
    }

    private String statusOf(JobId job) {
        return jdbc.sql("select status from jobs where job_id = ?").param(job.value()).query(String.class).single();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private long lastOutboxRow() {
        return jdbc.sql("select coalesce(max(id), 0) from outbox").query(Long.class).single();
    }
}
