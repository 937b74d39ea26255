package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.DumpStarted;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.FreePorts;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two dump workers as processes of their own, started from the executable jar the images run,
 * sharing the work through their consumer group. One is killed with SIGKILL in the middle of a
 * dump: its request goes to the other worker and every job still ends VERIFIED. One stopped
 * gracefully (SIGTERM) mid-dump stops its dump at once, without announcing it, and the request goes
 * to another worker too.
 */
class WorkerFailoverEndToEndTest {

    private static JobsApi api;
    private static final Map<String, Process> workers = new LinkedHashMap<>();
    private static EmbeddedStack stack;
    private static Path staging;

    @BeforeAll
    static void startStackAndTwoWorkerProcesses() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        ServiceTestSettings.s3Credentials();
        postgres.createDatabase("vigil_failover");
        DemoDatabase.load(postgres, "small_failover");
        postgres.createDatabase("big_failover");
        postgres.execute("big_failover", """
                drop table if exists public.measurements;
                create table public.measurements(id bigint primary key, station text, taken_at timestamptz, reading text);
                insert into public.measurements select g, 'station-' || (g % 1999), now() - g * interval '1 second',
                       md5(g::text) || md5((g * 31)::text) || md5((g * 7)::text)
                from generate_series(1, 1500000) g;
                """);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        staging = Files.createDirectories(tmp.resolve("failover-staging"));
        StringBuilder targets = new StringBuilder("targets:\n");
        for (String id : List.of("big", "small-1", "small-2", "small-3")) {
            targets.append("  - id: ").append(id).append("\n    host: 127.0.0.1\n    port: ").append(postgres.port())
                    .append("\n    database: ").append(id.equals("big") ? "big_failover" : "small_failover").append("\n    username: postgres\n");
        }
        Path targetsFile = Files.writeString(tmp.resolve("failover-targets.yml"), targets);
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(LocalKafka.shared().bootstrapServers(), LocalKafka.shared()::password, postgres.jdbcUrl("vigil_failover"),
                LocalPostgres.SUPERUSER, LocalS3.shared().endpoint(), "failover-backups", staging, tmp.resolve("failover-verify"),
                postgres.host(), postgres.port(), postgres.verifierRole().role(), targetsFile, FreePorts.next(), Map.of()), false);
        api = new JobsApi(stack);
        for (String name : List.of("worker-a", "worker-b")) {
            workers.put(name, startWorker(name, tmp.resolve(name + ".log")));
        }
        for (String name : workers.keySet()) {
            ServiceProcesses.awaitGroupMember(workers.get(name), tmp.resolve(name + ".log"), "dump-worker", name, Duration.ofSeconds(120));
        }
    }

    @AfterAll
    static void stopEverything() {
        workers.values().forEach(Process::destroyForcibly);
        if (stack != null) {
            stack.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aWorkerKilledInTheMiddleOfADumpLeavesNoJobBehindAndNoHalfWrittenArtifact() throws Exception {
        try (KafkaProbe starts = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.DUMP_STARTED)) {
            String big = api.requestBackup("big");
            List<String> small = new ArrayList<>();
            for (String target : List.of("small-1", "small-2", "small-3")) {
                small.add(api.requestBackup(target));
            }

            // Kill while pg_dump streams into staging, not after it finished.
            String dumping = workerDumping(big);
            DumpStarted first = EventJson.read(starts.await(r -> r.value().contains(big), Duration.ofSeconds(60)).value().getBytes(),
                    DumpStarted.class);
            assertThat(first.workerId()).isEqualTo(dumping);
            Process victim = workers.get(first.workerId());
            assertThat(victim).as("the worker that took the big dump, %s", first.workerId()).isNotNull();
            victim.destroyForcibly().waitFor();

            JsonNode bigJob = api.awaitFinal(big, Duration.ofSeconds(180));
            assertThat(bigJob.get("status").asString()).as(bigJob.toString()).isEqualTo("VERIFIED");
            for (String jobId : small) {
                assertThat(api.awaitFinal(jobId, Duration.ofSeconds(180)).get("status").asString()).isEqualTo("VERIFIED");
            }
            List<String> dumpedBy = starts.arrivals("starts of the big dump", r -> r.value().contains(big)).arriveWithin(Duration.ofSeconds(30), 2)
                    .stream().map(r -> EventJson.read(r.value().getBytes(), DumpStarted.class).workerId()).toList();
            assertThat(dumpedBy).as("workers that started the big dump").first().isEqualTo(first.workerId());
            assertThat(dumpedBy).last().isNotEqualTo(first.workerId());
        }
        try (Stream<Path> files = Files.walk(staging)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".partial"))).as("half-written artifacts in staging").isEmpty();
        }
    }

    @Test
    void aWorkerStoppedGracefullyInTheMiddleOfADumpStopsItAtOnceAndHandsTheRequestOver() throws Exception {
        // Whichever test ran first, at least two workers are alive from here on.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        workers.put("worker-c", startWorker("worker-c", tmp.resolve("worker-c.log")));
        ServiceProcesses.awaitGroupMember(workers.get("worker-c"), tmp.resolve("worker-c.log"), "dump-worker", "worker-c", Duration.ofSeconds(120));
        try (KafkaProbe starts = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.DUMP_STARTED)) {
            String big = api.requestBackup("big");
            String dumping = workerDumping(big);
            DumpStarted first = EventJson.read(starts.await(r -> r.value().contains(big), Duration.ofSeconds(60)).value().getBytes(),
                    DumpStarted.class);
            assertThat(first.workerId()).isEqualTo(dumping);
            Process stopped = workers.get(first.workerId());
            long stopping = System.nanoTime();
            stopped.destroy();
            assertThat(stopped.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("the worker stopped (SIGTERM) within 30 s").isTrue();
            Duration tookToStop = Duration.ofNanos(System.nanoTime() - stopping);

            JsonNode bigJob = api.awaitFinal(big, Duration.ofSeconds(180));
            assertThat(bigJob.get("status").asString()).as(bigJob.toString()).isEqualTo("VERIFIED");
            List<String> dumpedBy = starts.arrivals("starts of the big dump", r -> r.value().contains(big)).arriveWithin(Duration.ofSeconds(30), 2)
                    .stream().map(r -> EventJson.read(r.value().getBytes(), DumpStarted.class).workerId()).toList();
            assertThat(dumpedBy).as("workers that started the big dump").hasSize(2).last().isNotEqualTo(first.workerId());
            assertThat(Files.readString(tmp.resolve(first.workerId() + ".log"))).as("the stopped worker's log (stopped in %s)", tookToStop)
                    .contains("dump of job " + big).contains("stopped: this instance no longer holds its record")
                    .doesNotContain("dump finished: job " + big);
        }
        try (Stream<Path> files = Files.walk(staging)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".partial"))).as("half-written artifacts in staging").isEmpty();
        }
    }

    /**
     * Waits until a worker streams the job's dump into staging (its partial file grows) and answers
     * which worker it is, from the worker's own log: no event needs to arrive first, so the dump
     * is surely still running.
     */
    private static String workerDumping(String jobId) throws Exception {
        // Staged as <jobId>.<ext>.partial, the extension saying how the worker wraps it (zstd by default).
        Path partial = staging.resolve("big").resolve(jobId + "." + dev.vigil.contracts.Artifact.extensionFor("custom", "zstd", false) + ".partial");
        await("the dump of " + jobId + " streaming into staging").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(partial) && Files.size(partial) > 0);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        for (String name : workers.keySet()) {
            Path log = tmp.resolve(name + ".log");
            if (Files.exists(log) && Files.readString(log).contains("dump started: job " + jobId)) {
                return name;
            }
        }
        throw new AssertionError("no worker's log says it started the dump of " + jobId);
    }

    private static Process startWorker(String name, Path log) throws IOException {
        String consumer = "--spring.cloud.stream.kafka.bindings.dump-in-0.consumer.configuration.";
        return ServiceProcesses.java("dump-worker", log, List.of(
                "--vigil.staging.dir=" + staging, "--vigil.worker.worker-id=" + name,
                // Its consumers' client ids, so the test sees when it has joined the group.
                consumer + "client.id=" + name,
                // Notice a dead worker within seconds, not the default 45.
                consumer + "session.timeout.ms=8000", consumer + "heartbeat.interval.ms=2000")).start();
    }
}
