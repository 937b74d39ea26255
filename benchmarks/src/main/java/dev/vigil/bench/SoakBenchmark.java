package dev.vigil.bench;

import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalPostgres;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15's soak and scale benchmark: many small targets on one cluster, several dump-worker and
 * verifier processes, several rounds in which every target is backed up through the API. Prints jobs
 * per minute, the control plane's overhead per hop (p50, p99), each process's peak RSS, and whether
 * every requested job ended exactly once with exactly one artifact in the bucket. See benchmarks/README.md.
 */
public final class SoakBenchmark {

    private static final long P50_TARGET_MS = 250;
    private static final long P99_TARGET_MS = 2000;
    private static final String BUCKET = "vigil-backups";
    private static final Pattern ARTIFACT = Pattern.compile("-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.(.+)$");

    private SoakBenchmark() {
    }

    /** One requested job: its round, target and id. */
    private record Requested(int round, String target, String jobId) {
    }

    /** A job as a process's log saw it: when the work started and ended there. */
    private record Work(String process, String jobId, Instant start, Instant end) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        int targetCount = Integer.parseInt(env.getOrDefault("SOAK_TARGETS", "200"));
        int workers = Integer.parseInt(env.getOrDefault("SOAK_WORKERS", "2"));
        int verifiers = Integer.parseInt(env.getOrDefault("SOAK_VERIFIERS", "2"));
        int rounds = Integer.parseInt(env.getOrDefault("SOAK_ROUNDS", "3"));
        int tables = Integer.parseInt(env.getOrDefault("SOAK_TABLES", "4"));
        int rows = Integer.parseInt(env.getOrDefault("SOAK_ROWS", "300"));
        Duration roundTimeout = Duration.ofMinutes(Long.parseLong(env.getOrDefault("SOAK_ROUND_TIMEOUT_MINUTES", "60")));
        // The services' own defaults (dump-worker.yml, verifier-service.yml): jobs one process works on at once.
        int workerSlots = Integer.parseInt(env.getOrDefault("VIGIL_WORKER_CONCURRENCY", "2"));
        int verifierSlots = Integer.parseInt(env.getOrDefault("VIGIL_VERIFIER_CONCURRENCY", "1"));
        Path work = Path.of("target/bench/soak").toAbsolutePath();
        Files.createDirectories(work);
        try (LocalPostgres postgres = LocalPostgres.start(work.resolve("pg"), FreePorts.next())) {
            List<ProductStack.Target> targets = SoakTargets.ensure(postgres, targetCount, tables, rows);
            System.out.printf("%d targets (%d tables of %d rows each), %d dump-worker and %d verifier processes, %d rounds, %d cores; logs under %s%n",
                    targetCount, tables, rows, workers, verifiers, rounds, Runtime.getRuntime().availableProcessors(), work.resolve("stack/logs"));
            long starting = System.nanoTime();
            try (ProductStack stack = ProductStack.start(work.resolve("stack"), postgres, targets, workers, verifiers);
                    HttpClient http = HttpClient.newHttpClient()) {
                System.out.printf("stack ready in %.1f s%n", (System.nanoTime() - starting) / 1e9);
                JobClient jobs = new JobClient(stack.apiUrl(), stack.adminToken());
                List<Requested> requested = new ArrayList<>();
                Map<String, JsonNode> ended = new HashMap<>();
                double busySeconds = 0;
                for (int round = 1; round <= rounds; round++) {
                    Instant roundStart = Instant.now();
                    List<String> ids = new ArrayList<>();
                    for (ProductStack.Target target : targets) {
                        String id = jobs.request(http, target.id());
                        ids.add(id);
                        requested.add(new Requested(round, target.id(), id));
                    }
                    Instant last = awaitTerminal(jobs, http, ids, ended, roundTimeout);
                    double seconds = Duration.between(roundStart, last).toMillis() / 1000.0;
                    busySeconds += seconds;
                    System.out.printf("round %d: %d jobs requested and ended in %.1f s (%.1f jobs/min)%n", round, ids.size(), seconds,
                            ids.size() / seconds * 60);
                }
                Map<String, Long> rss = stack.peakRssKb();
                report(stack, postgres, jobs.all(http), requested, ended, busySeconds, workerSlots, verifierSlots, rss);
            }
        }
    }

    /** Polls the job list (two pages of 500 at most per pass, not one request per job) until every job of {@code ids} is terminal; answers the last one's end. */
    private static Instant awaitTerminal(JobClient jobs, HttpClient http, List<String> ids, Map<String, JsonNode> ended, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> waiting = new ArrayList<>(ids);
        while (!waiting.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(waiting.size() + " jobs not terminal within " + timeout + ", e.g. " + waiting.getFirst());
            }
            Thread.sleep(2000);
            Map<String, JsonNode> listed = new HashMap<>();
            for (JsonNode job : jobs.all(http)) {
                listed.put(job.get("jobId").asString(), job);
            }
            waiting.removeIf(id -> {
                JsonNode job = listed.get(id);
                if (job != null && JobClient.terminal(job.get("status").asString())) {
                    ended.put(id, job);
                    return true;
                }
                return false;
            });
        }
        return ids.stream().map(id -> endOf(ended.get(id))).max(Comparator.naturalOrder()).orElseThrow();
    }

    private static Instant endOf(JsonNode job) {
        JsonNode stages = job.get("stages");
        return stage(stages, "VERIFIED") != null ? stage(stages, "VERIFIED") : stage(stages, "FAILED") != null ? stage(stages, "FAILED") : Instant.now();
    }

    private static Instant stage(JsonNode stages, String name) {
        JsonNode at = stages.get(name);
        return at == null || at.isNull() ? null : Instant.parse(at.asString());
    }

    private static void report(ProductStack stack, LocalPostgres postgres, List<JsonNode> listed, List<Requested> requested, Map<String, JsonNode> ended,
            double busySeconds, int workerSlots, int verifierSlots, Map<String, Long> rss) throws Exception {
        System.out.println();
        System.out.printf("== throughput: %d jobs in %.1f s of rounds: %.1f jobs/min%n", requested.size(), busySeconds, requested.size() / busySeconds * 60);
        Map<String, String> statuses = new LinkedHashMap<>();
        ended.values().forEach(job -> statuses.merge(job.get("status").asString(), "1", (a, b) -> String.valueOf(Integer.parseInt(a) + 1)));
        System.out.println("   job statuses: " + statuses);

        // The processes' own logs say which process did which job, and when it started and finished there.
        List<Work> dumps = new ArrayList<>();
        List<Work> verifications = new ArrayList<>();
        Map<String, Integer> dumpStarts = new HashMap<>();
        Map<String, Integer> verificationStarts = new HashMap<>();
        for (String process : stack.processes()) {
            if (process.startsWith("dump-worker")) {
                collect(stack.log(process), process, "dump started:", "dump finished:", dumps, dumpStarts);
            } else if (process.startsWith("verifier-service")) {
                collect(stack.log(process), process, "verification started:", "verification finished:", verifications, verificationStarts);
            }
        }
        Map<String, Instant> verdicts = new HashMap<>();
        try (Connection connection = postgres.connect("vigil");
                ResultSet rs = connection.createStatement().executeQuery("select job_id::text, event->>'occurredAt' from verifier.verifications")) {
            while (rs.next()) {
                verdicts.put(rs.getString(1), Instant.parse(rs.getString(2)));
            }
        }
        // When the scheduler last wrote each job's row: for a job whose last event was its verdict, when the registry
        // took the verdict in (its VERIFIED stage carries the verdict's own time, so the stage cannot tell).
        Map<String, Instant> lastWritten = new HashMap<>();
        try (Connection connection = postgres.connect("vigil");
                ResultSet rs = connection.createStatement().executeQuery("select job_id::text, updated_at from scheduler.jobs")) {
            while (rs.next()) {
                lastWritten.put(rs.getString(1), rs.getTimestamp(2).toInstant());
            }
        }

        List<Long> requestToDump = new ArrayList<>();
        List<Long> requestToDumpRaw = new ArrayList<>();
        List<Long> storedToVerify = new ArrayList<>();
        List<Long> storedToVerifyRaw = new ArrayList<>();
        List<Long> verdictToStatus = new ArrayList<>();
        Map<String, Work> dumpOf = byJob(dumps);
        Map<String, Work> verificationOf = byJob(verifications);
        for (Requested one : requested) {
            JsonNode job = ended.get(one.jobId());
            JsonNode stages = job.get("stages");
            Instant requestedAt = stage(stages, "REQUESTED");
            Instant dumping = stage(stages, "DUMPING");
            Instant stored = stage(stages, "STORED");
            Instant verified = stage(stages, "VERIFIED");
            Work dump = dumpOf.get(one.jobId());
            if (requestedAt != null && dumping != null && dump != null) {
                requestToDumpRaw.add(millis(requestedAt, dumping));
                requestToDump.add(millis(latest(requestedAt, freeSince(dump, dumps, workerSlots)), dumping));
            }
            Work verification = verificationOf.get(one.jobId());
            if (stored != null && verification != null) {
                storedToVerifyRaw.add(millis(stored, verification.start()));
                storedToVerify.add(millis(latest(stored, freeSince(verification, verifications, verifierSlots)), verification.start()));
            }
            Instant verdict = verdicts.get(one.jobId());
            Instant written = lastWritten.get(one.jobId());
            if (verdict != null && verified != null && written != null) {
                verdictToStatus.add(millis(verdict, written));
            }
        }
        System.out.println();
        System.out.printf("== control plane overhead per job, ms (targets: p50 < %d, p99 < %d)%n", P50_TARGET_MS, P99_TARGET_MS);
        System.out.printf("%-62s %6s %7s %7s %7s  %s%n", "hop", "jobs", "p50", "p99", "max", "");
        boolean overheadMet = hop("request -> dump start (REQUESTED -> DUMPING, slot free)", requestToDump, true)
                & hop("stored -> verification start (STORED -> verifier, slot free)", storedToVerify, true)
                & hop("verdict -> job status (verdict -> job row last written)", verdictToStatus, true);
        hop("  incl. waiting for a busy worker (REQUESTED -> DUMPING)", requestToDumpRaw, false);
        hop("  incl. waiting for a busy verifier (STORED -> verifier)", storedToVerifyRaw, false);

        // Nothing lost, nothing duplicated.
        Map<String, Requested> asked = new HashMap<>();
        requested.forEach(r -> asked.put(r.jobId(), r));
        Map<String, Integer> listedCount = new HashMap<>();
        listed.forEach(job -> listedCount.merge(job.get("jobId").asString(), 1, Integer::sum));
        long notTerminal = requested.stream().filter(r -> !ended.containsKey(r.jobId())).count();
        long listedTwice = listedCount.values().stream().filter(n -> n > 1).count();
        long missingFromList = requested.stream().filter(r -> !listedCount.containsKey(r.jobId())).count();
        long unrequested = listedCount.keySet().stream().filter(id -> !asked.containsKey(id)).count();
        Map<String, Integer> artifacts = new HashMap<>();
        long otherObjects = 0;
        List<String> keys = stack.bucketKeys(BUCKET);
        for (String key : keys) {
            Matcher m = ARTIFACT.matcher(key);
            if (m.find() && !m.group(2).endsWith("manifest.json")) {
                artifacts.merge(m.group(1), 1, Integer::sum);
            } else {
                otherObjects++;
            }
        }
        long verifiedJobs = requested.stream().filter(r -> ended.containsKey(r.jobId()) && stage(ended.get(r.jobId()).get("stages"), "STORED") != null).count();
        long withoutArtifact = requested.stream().filter(r -> ended.containsKey(r.jobId()) && stage(ended.get(r.jobId()).get("stages"), "STORED") != null)
                .filter(r -> !artifacts.containsKey(r.jobId())).count();
        long duplicateArtifacts = artifacts.values().stream().filter(n -> n > 1).count();
        long artifactsOfNoJob = artifacts.keySet().stream().filter(id -> !asked.containsKey(id)).count();
        long dumpedTwice = dumpStarts.values().stream().filter(n -> n > 1).count();
        long verifiedTwice = verificationStarts.values().stream().filter(n -> n > 1).count();
        System.out.println();
        System.out.println("== nothing lost, nothing duplicated");
        System.out.printf("   jobs requested %d; reached a terminal state %d; not terminal %d; missing from the job list %d; listed twice %d%n",
                requested.size(), ended.size(), notTerminal, missingFromList, listedTwice);
        System.out.printf("   jobs in the registry that nobody requested: %d%n", unrequested);
        System.out.printf("   bucket %s: %d objects, %d artifacts of %d stored jobs; stored jobs without an artifact %d; jobs with more than one %d; "
                + "artifacts of no requested job %d; other objects (manifests etc.) %d%n", BUCKET, keys.size(),
                artifacts.values().stream().mapToInt(Integer::intValue).sum(), verifiedJobs, withoutArtifact, duplicateArtifacts, artifactsOfNoJob, otherObjects);
        System.out.printf("   work done twice (the processes' logs): jobs dumped more than once %d, verified more than once %d%n", dumpedTwice, verifiedTwice);
        boolean intact = notTerminal == 0 && missingFromList == 0 && listedTwice == 0 && unrequested == 0 && withoutArtifact == 0
                && duplicateArtifacts == 0 && artifactsOfNoJob == 0 && verifiedJobs == requested.size();
        System.out.println();
        System.out.print("== peak RSS (VmHWM), MB:");
        rss.forEach((process, kb) -> System.out.printf("  %s %d", process, kb / 1024));
        System.out.println();
        System.out.println();
        System.out.printf("overhead p50 < %d ms and p99 < %d ms on every hop: %s%n", P50_TARGET_MS, P99_TARGET_MS, overheadMet ? "MET" : "MISSED");
        System.out.printf("zero lost or duplicated jobs (every job stored once, ended once): %s%n", intact ? "MET" : "MISSED");
    }

    private static void collect(Path log, String process, String started, String finished, List<Work> into, Map<String, Integer> starts) throws Exception {
        Map<String, List<Instant>> begun = ServiceLogs.times(log, started);
        Map<String, List<Instant>> done = ServiceLogs.times(log, finished);
        begun.forEach((job, times) -> {
            starts.merge(job, times.size(), Integer::sum);
            List<Instant> ends = done.get(job);
            into.add(new Work(process, job, times.getLast(), ends == null ? null : ends.getLast()));
        });
    }

    private static Map<String, Work> byJob(List<Work> work) {
        Map<String, Work> by = new HashMap<>();
        // The last start of a job counts: a job redone after a rebalance started for good then.
        work.forEach(w -> by.merge(w.jobId(), w, (a, b) -> a.start().isAfter(b.start()) ? a : b));
        return by;
    }

    /**
     * Since when the process that did {@code job} had a free slot for it: the last moment before the
     * job's start at which one of its {@code slots} jobs in flight finished, leaving fewer than
     * {@code slots}; the distant past if it never was full. Before that moment the job waited for a busy
     * process, which is queueing, not the control plane's overhead.
     */
    private static Instant freeSince(Work job, List<Work> all, int slots) {
        List<Work> earlier = all.stream().filter(w -> w.process().equals(job.process()) && w != job && w.start().isBefore(job.start())).toList();
        List<Instant> ends = earlier.stream().map(Work::end).filter(e -> e != null && !e.isAfter(job.start()))
                .sorted(Comparator.reverseOrder()).toList();
        for (Instant end : ends) {
            long inFlight = earlier.stream().filter(w -> w.start().isBefore(end) && (w.end() == null || !w.end().isBefore(end))).count();
            if (inFlight >= slots) {
                return end;
            }
        }
        return Instant.EPOCH;
    }

    private static boolean hop(String name, List<Long> millis, boolean judged) {
        if (millis.isEmpty()) {
            System.out.printf("%-62s %6d  no samples%s%n", name, 0, judged ? "  MISSED" : "");
            return false;
        }
        List<Long> sorted = millis.stream().sorted().toList();
        long p50 = percentile(sorted, 50);
        long p99 = percentile(sorted, 99);
        boolean met = p50 < P50_TARGET_MS && p99 < P99_TARGET_MS;
        System.out.printf("%-62s %6d %7d %7d %7d  %s%n", name, sorted.size(), p50, p99, sorted.getLast(), judged ? (met ? "MET" : "MISSED") : "(queueing, not judged)");
        return met;
    }

    /** Nearest rank. */
    private static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
