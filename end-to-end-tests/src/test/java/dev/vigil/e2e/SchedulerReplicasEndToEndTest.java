package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three scheduler processes fire one schedule every three seconds: each firing is one job, also across
 * one of them SIGKILLed midway; all stopped across three firings, one started again catches up once.
 */
class SchedulerReplicasEndToEndTest {

    private static final String DATABASE = "vigil_replicas";
    private static final Duration EVERY = Duration.ofSeconds(3);
    private static final Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "scheduler-replicas");
    private static final List<Process> schedulers = new ArrayList<>();
    private static Path targets;

    @BeforeAll
    static void start() throws IOException {
        LocalPostgres.shared().createDatabase(DATABASE);
        Files.createDirectories(tmp);
        targets = Files.writeString(tmp.resolve("targets.yml"), """
                targets:
                  - id: replicated
                    host: 127.0.0.1
                    port: %d
                    database: %s
                    username: postgres
                    schedule: "*/3 * * * * *"
                """.formatted(LocalPostgres.shared().port(), DATABASE));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (Process scheduler : schedulers) {
            scheduler.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void eachFiringIsOneJobAcrossThreeReplicasAndAKilledOneAndAfterAnOutageOneCatchUp() throws Exception {
        // Started together, as a deployment's replicas are.
        List<Started> starting = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            starting.add(startScheduler("replica-" + i));
        }
        List<Process> running = new ArrayList<>();
        for (Started started : starting) {
            running.add(started.awaitHealthy());
        }
        Instant allUp = Instant.now();
        awaitFirings(allUp, 3);
        running.getFirst().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Instant killed = Instant.now();
        awaitFirings(killed, 3);
        for (Process survivor : running.subList(1, 3)) {
            survivor.destroy();
            assertThat(survivor.waitFor(60, TimeUnit.SECONDS)).as("a scheduler stops on SIGTERM").isTrue();
        }

        List<Instant> fired = firings(false);
        List<Instant> duringTheRun = fired.stream().filter(at -> at.isAfter(allUp)).toList();
        assertThat(duringTheRun).as("firings while the replicas ran").hasSizeGreaterThanOrEqualTo(6);
        for (int i = 1; i < duringTheRun.size(); i++) {
            assertThat(Duration.between(duringTheRun.get(i - 1), duringTheRun.get(i))).as("no firing missed, also when one was killed, after %s",
                    duringTheRun.get(i - 1)).isEqualTo(EVERY);
        }
        assertThat(count("select count(*) from scheduler.schedule_firings f join scheduler.jobs j using (job_id) where f.target_id = 'replicated' "
                + "and j.trigger = 'SCHEDULE'")).as("each firing's job recorded").isEqualTo(fired.size());
        assertThat(count("select count(*) from scheduler.jobs where target_id = 'replicated' and trigger = 'SCHEDULE'"))
                .as("one job per firing, none besides").isEqualTo(fired.size());

        // Down across three firings, then one scheduler comes back: one catch-up for the newest it missed.
        Instant last = fired.getLast();
        await("three firings missed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Instant.now().isAfter(last.plus(EVERY.multipliedBy(3)).plusMillis(500)));
        Instant restarted = Instant.now();
        running.add(startScheduler("replica-back").awaitHealthy());
        await("the catch-up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> !firings(true).isEmpty());
        List<Instant> catchUps = firings(true);
        assertThat(catchUps).as("one catch-up, not one per missed firing").hasSize(1);
        // The newest firing missed by the time it was ready: at least the third after the last, none later than now.
        assertThat(catchUps.getFirst()).isAfter(last.plus(EVERY.multipliedBy(2))).isAfter(restarted.minus(EVERY)).isBefore(Instant.now());
        assertThat(count("select count(*) from scheduler.schedule_firings f join scheduler.jobs j using (job_id) where f.target_id = 'replicated' "
                + "and f.catch_up and j.trigger = 'CATCH_UP'")).isEqualTo(1);
        assertThat(firings(false).stream().filter(at -> at.isAfter(last) && at.isBefore(catchUps.getFirst())).toList())
                .as("the missed firings themselves are not fired one by one").isEmpty();
    }

    /** A scheduler process started, and how to wait until it answers. */
    private record Started(String name, Process process, int port, Path log) {

        Process awaitHealthy() {
            try (HttpClient http = HttpClient.newHttpClient()) {
                await(name + " healthy").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                        .failFast(name + " ended; its log " + log, () -> !process.isAlive())
                        .ignoreExceptionsInstanceOf(IOException.class)
                        .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            }
            return process;
        }
    }

    private static Started startScheduler(String name) throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        int port = FreePorts.next();
        Path log = tmp.resolve(name + ".log");
        Process process = ServiceProcesses.java("scheduler-service", log, List.of("--server.port=" + port,
                "--spring.datasource.url=" + postgres.jdbcUrl(DATABASE), "--spring.datasource.username=" + LocalPostgres.SUPERUSER,
                "--vigil.scheduler.targets-file=" + targets, "--vigil.scheduler.bootstrap-token-file=" + tmp.resolve(name + "-admin-token"))).start();
        schedulers.add(process);
        return new Started(name, process, port, log);
    }

    /** Waits until {@code n} firings fell due after {@code from}. */
    private static void awaitFirings(Instant from, int n) {
        await(n + " firings after " + from).atMost(EVERY.multipliedBy(n + 10)).pollInterval(Duration.ofMillis(250))
                .until(() -> firings(false).stream().filter(at -> at.isAfter(from)).count() >= n);
    }

    /** The instants the schedule fired for (catch-ups or not), oldest first. */
    private static List<Instant> firings(boolean catchUp) throws Exception {
        try (Connection connection = LocalPostgres.shared().connect(DATABASE); PreparedStatement query = connection.prepareStatement(
                "select scheduled_for from scheduler.schedule_firings where target_id = 'replicated' and catch_up = ? order by scheduled_for")) {
            query.setBoolean(1, catchUp);
            List<Instant> instants = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    instants.add(rows.getObject(1, Timestamp.class).toInstant());
                }
            }
            return instants;
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection connection = LocalPostgres.shared().connect(DATABASE); ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
