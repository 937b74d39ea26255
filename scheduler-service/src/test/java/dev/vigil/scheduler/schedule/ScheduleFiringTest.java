package dev.vigil.scheduler.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.scheduler.SchedulerApplication;
import dev.vigil.scheduler.target.Target;
import dev.vigil.scheduler.target.TargetList;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A firing is one job however many schedulers fire it at once, against the real PostgreSQL (the claim
 * and the job commit together or not at all); a scheduler that was down catches up once. Several
 * scheduler processes and one killed among them: {@code SchedulerReplicasEndToEndTest}.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "spring.config.name=scheduler-service")
class ScheduleFiringTest {

    @Autowired
    BackupSchedules schedules;

    @Autowired
    TargetList targets;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafkaAndDatabase(registry, SchedulerApplication.NAME, "scheduler_firing_test");
        registry.add("vigil.scheduler.targets-file", () -> "src/test/resources/test-targets.yml");
    }

    @Test
    void threeSchedulersFiringTheSameInstantTogetherRequestExactlyOneJobAndLeaveNoTraceOfTheOthers() throws Exception {
        Target orders = targets.find(new TargetId("orders-db")).orElseThrow();
        Instant due = Instant.parse("2026-11-30T03:00:00Z").plus(jobsOf("orders-db"), ChronoUnit.DAYS);
        long outboxBefore = lastOutboxRow();
        CountDownLatch together = new CountDownLatch(1);
        List<Optional<JobId>> fired = new ArrayList<>();
        try (ExecutorService replicas = Executors.newFixedThreadPool(3)) {
            List<Future<Optional<JobId>>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(replicas.submit(() -> {
                    together.await();
                    return schedules.fire(orders, due, false);
                }));
            }
            together.countDown();
            for (Future<Optional<JobId>> answer : answers) {
                fired.add(answer.get());
            }
        }

        List<JobId> jobs = fired.stream().flatMap(Optional::stream).toList();
        assertThat(jobs).as("one replica fired it").hasSize(1);
        assertThat(jdbc.sql("select job_id from schedule_firings where target_id = 'orders-db' and scheduled_for = ?").param(Timestamp.from(due))
                .query(java.util.UUID.class).list()).containsExactly(jobs.getFirst().value());
        assertThat(jdbc.sql("select count(*) from jobs where target_id = 'orders-db' and trigger = 'SCHEDULE' and job_id = ?")
                .param(jobs.getFirst().value()).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("select convert_from(payload, 'UTF8') from outbox where id > ? and message_key = 'orders-db'").param(outboxBefore)
                .query(String.class).list()).as("one BackupRequested in the outbox, the others' rolled back with their jobs").singleElement().asString()
                .contains(jobs.getFirst().value().toString());
    }

    @Test
    void aSchedulerThatWasDownCatchesUpOnceForTheFiringsItMissedNotOncePerReplica() {
        Target orders = targets.find(new TargetId("orders-db")).orElseThrow();
        // The schedule (nightly at 03:00 UTC) last fired three nights ago.
        Instant now = Instant.parse("2027-01-10T05:00:00Z");
        jdbc.sql("delete from schedule_firings where target_id = 'orders-db' and scheduled_for > '2027-01-01'").update();
        jdbc.sql("insert into schedule_firings (target_id, scheduled_for, job_id, fired_by) values ('orders-db', '2027-01-07T03:00:00Z', gen_random_uuid(), 'earlier')")
                .update();

        schedules.catchUp(now);
        schedules.catchUp(now); // a second replica starting at the same time

        List<String> caughtUp = jdbc.sql("select (scheduled_for at time zone 'UTC')::text || ' ' || catch_up from schedule_firings where target_id = 'orders-db' "
                + "and scheduled_for > '2027-01-07T03:00:00Z'").query(String.class).list();
        assertThat(caughtUp).as("one catch-up, for the newest night missed").hasSize(1).first().asString().contains("2027-01-10").endsWith("true");
        assertThat(jdbc.sql("select count(*) from jobs j join schedule_firings f using (job_id) where f.target_id = 'orders-db' and f.catch_up "
                + "and j.trigger = 'CATCH_UP' and f.scheduled_for > '2027-01-07T03:00:00Z'").query(Long.class).single()).isEqualTo(1);
        assertThat(orders.schedule()).isEqualTo("0 0 3 * * *");
    }

    private long jobsOf(String target) {
        return jdbc.sql("select count(*) from jobs where target_id = ?").param(target).query(Long.class).single();
    }

    private long lastOutboxRow() {
        return jdbc.sql("select coalesce(max(id), 0) from outbox").query(Long.class).single();
    }
}
