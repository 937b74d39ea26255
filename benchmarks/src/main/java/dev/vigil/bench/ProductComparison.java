package dev.vigil.bench;

import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 14's benchmark: the running product against the bare tools, on the same PostgreSQL cluster,
 * in one run. For each database shape it starts a fresh stack as {@code ./vigil dev} runs it (each
 * service a process of its own), asks for backups through the scheduler's API and reads the job API's
 * stage times (dump {@code DUMPING → DUMPED}, verify {@code STORED → VERIFIED}), and in the same
 * rounds runs {@code pg_dump -Fc -Z0 | zstd -3 -T2} and a bare {@code pg_restore --jobs 2} plus
 * {@code count(*)} per table. Prints each round's ratios against the targets, where the services'
 * logs say the time went, and each service's peak RSS; with {@code BENCH_MEMORY=true} the order
 * history at two sizes side by side. See benchmarks/README.md.
 */
public final class ProductComparison {

    private static final double DUMP_TARGET = 1.10;
    private static final double VERIFY_TARGET = 1.15;
    private static final double FLAT_RATIO = 1.15;
    private static final long FLAT_MARGIN_KB = 64 * 1024;

    private ProductComparison() {
    }

    private record Round(int number, JobClient.StageTimes vigil, double bareDump, BareTools.Restored bareVerify, String worker, String verifier,
            String cpu) {
    }

    private record Measured(ProductShape shape, long bytes, int tables, double startSeconds, String idleCpu, List<Round> rounds,
            Map<String, Long> peakRssKb) {
    }

    /** How long the stack is watched doing nothing after the last round. */
    private static final long IDLE_MILLIS = 20_000;
    private static final int SETTLE_SECONDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SETTLE_SECONDS", "0"));

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        boolean reuse = Boolean.parseBoolean(env.getOrDefault("BENCH_REUSE", "false"));
        boolean memory = Boolean.parseBoolean(env.getOrDefault("BENCH_MEMORY", "false"));
        int rounds = Integer.parseInt(env.getOrDefault("BENCH_ROUNDS", "2"));
        double scale = Double.parseDouble(env.getOrDefault("BENCH_SCALE", "1"));
        List<ProductShape> shapes = new ArrayList<>();
        for (String name : Arrays.stream(env.getOrDefault("BENCH_SHAPES", String.join(",", ProductShape.NAMES)).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            if (memory && name.equals("order-history")) {
                shapes.add(ProductShape.orderHistory(Long.parseLong(env.getOrDefault("BENCH_MEMORY_SMALL_ORDERS", String.valueOf(Math.round(1_700_000 * scale))))));
                shapes.add(ProductShape.orderHistory(Long.parseLong(env.getOrDefault("BENCH_MEMORY_LARGE_ORDERS", String.valueOf(Math.round(5_000_000 * scale))))));
            } else {
                shapes.add(ProductShape.of(name, env));
            }
        }
        Path work = Path.of("target/bench/product").toAbsolutePath();
        Files.createDirectories(work);
        List<Measured> measured = new ArrayList<>();
        try (LocalPostgres postgres = LocalPostgres.start(work.resolve("pg"), FreePorts.next())) {
            Map<ProductShape, Long> sizes = new LinkedHashMap<>();
            for (ProductShape shape : shapes) {
                sizes.put(shape, shape.ensure(postgres, reuse));
            }
            System.out.printf("%d rounds per shape, %d cores, PostgreSQL binaries %s; logs under %s%n%n", rounds,
                    Runtime.getRuntime().availableProcessors(), postgres.binDir(), work);
            for (ProductShape shape : shapes) {
                Measured one = measure(postgres, work.resolve(shape.database()), shape, sizes.get(shape), rounds);
                report(one);
                measured.add(one);
            }
        }
        if (measured.size() > 1) {
            System.out.println("== all shapes, each round (dump target <= 1.10x, verify target <= 1.15x)");
            for (Measured one : measured) {
                for (Round round : one.rounds()) {
                    System.out.printf("%-56s round %-10s dump %5.2fx %-6s  verify %5.2fx %s%n", label(one), name(round),
                            round.vigil().dump() / round.bareDump(), met(round.vigil().dump() / round.bareDump() <= DUMP_TARGET),
                            round.vigil().verify() / round.bareVerify().seconds(), met(round.vigil().verify() / round.bareVerify().seconds() <= VERIFY_TARGET));
                }
            }
            System.out.println();
        }
        if (memory) {
            memoryReport(measured.stream().filter(m -> m.shape().name().equals("order-history")).toList());
        }
    }

    private static Measured measure(LocalPostgres postgres, Path dir, ProductShape shape, long bytes, int rounds) throws Exception {
        System.out.printf("%s: starting a fresh stack (five service processes)...%n", label(shape, bytes));
        long started = System.nanoTime();
        try (ProductStack stack = ProductStack.start(dir, postgres, shape.name(), shape.database())) {
            double startSeconds = (System.nanoTime() - started) / 1e9;
            if (SETTLE_SECONDS > 0) {
                // Diagnostic only: how much of the first round's slowness is the start-up's tail rather than the first backup's own work.
                Map<String, Double> settleFrom = stack.cpuSeconds();
                Thread.sleep(SETTLE_SECONDS * 1000L);
                System.out.printf("  BENCH_SETTLE_SECONDS=%d: CPU used by the stack after ready, before round 1: %s%n", SETTLE_SECONDS,
                        cpuUsed(settleFrom, stack.cpuSeconds()));
            }
            JobClient jobs = new JobClient(stack.apiUrl(), stack.adminToken());
            BareTools bare = new BareTools(postgres, dir);
            List<String> tables = shape.tables(postgres);
            List<Round> done = new ArrayList<>();
            for (int number = 1; number <= rounds; number++) {
                JobClient.StageTimes vigil = null;
                double bareDump = 0;
                BareTools.Restored bareVerify = null;
                String cpu = "";
                // Alternated: the product first in odd rounds (so the first round is a just-started stack's first backup), the bare tools first in even ones.
                for (boolean product : number % 2 == 1 ? List.of(true, false) : List.of(false, true)) {
                    if (product) {
                        System.out.printf("  round %d: Vigil backup through the API...%n", number);
                        postgres.execute("postgres", "checkpoint");
                        Map<String, Double> before = stack.cpuSeconds();
                        Map<String, Map<String, Double>> threadsBefore = stack.threadCpuSeconds();
                        vigil = jobs.backUp(shape.name());
                        cpu = cpuUsed(before, stack.cpuSeconds()) + "\n             " + threadCpuUsed(threadsBefore, stack.threadCpuSeconds());
                    } else {
                        System.out.printf("  round %d: bare pg_dump | zstd, then pg_restore --jobs 2 + count(*) per table...%n", number);
                        bareDump = bare.dump(shape.database());
                        bareVerify = bare.verify(tables);
                    }
                }
                done.add(new Round(number, vigil, bareDump, bareVerify, ServiceLogs.worker(stack.log("dump-worker"), vigil.jobId()),
                        ServiceLogs.verifier(stack.log("verifier-service"), vigil.jobId()), cpu));
            }
            // What the stack costs doing nothing once the rounds are over: every backup on these cores shares them with it.
            Map<String, Double> idleFrom = stack.cpuSeconds();
            long idleStarted = System.nanoTime();
            Thread.sleep(IDLE_MILLIS);
            String idle = cpuUsed(idleFrom, stack.cpuSeconds()) + String.format(" in %.1f s", (System.nanoTime() - idleStarted) / 1e9);
            return new Measured(shape, bytes, tables.size(), startSeconds, idle, done, stack.peakRssKb());
        }
    }

    /**
     * Inside each process, between two readings: the JIT compilers' CPU and the three busiest other
     * threads (by name, digits dropped), for telling a first round's compiling from its work.
     */
    private static String threadCpuUsed(Map<String, Map<String, Double>> before, Map<String, Map<String, Double>> after) {
        List<String> used = new ArrayList<>();
        after.forEach((process, threads) -> {
            Map<String, Double> was = before.getOrDefault(process, Map.of());
            Map<String, Double> delta = new LinkedHashMap<>();
            threads.forEach((thread, seconds) -> delta.put(thread, seconds - was.getOrDefault(thread, 0.0)));
            double jit = delta.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre")).mapToDouble(Map.Entry::getValue).sum();
            String busiest = delta.entrySet().stream().filter(e -> !e.getKey().contains("CompilerThre") && e.getValue() >= 0.05)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(3)
                    .map(e -> String.format("%s %.1f", e.getKey().strip(), e.getValue())).collect(java.util.stream.Collectors.joining(", "));
            used.add(String.format("%s: JIT %.1f s%s", process, jit, busiest.isEmpty() ? "" : " (" + busiest + ")"));
        });
        return "threads: " + String.join("; ", used);
    }

    /** Each process's CPU seconds between two readings, for "where the time went". */
    private static String cpuUsed(Map<String, Double> before, Map<String, Double> after) {
        List<String> used = new ArrayList<>();
        after.forEach((process, seconds) -> used.add(String.format("%s %.1f s", process, seconds - before.getOrDefault(process, 0.0))));
        return String.join(", ", used);
    }

    private static void report(Measured one) {
        System.out.println();
        System.out.printf("== %s, %d tables; fresh stack ready in %.1f s%n", label(one), one.tables(), one.startSeconds());
        System.out.printf("CPU used by the idle stack after the rounds: %s%n", one.idleCpu());
        System.out.printf("%-11s %11s %10s %7s %-7s   %13s %12s %7s %-7s%n", "round", "Vigil dump", "bare dump", "ratio", "<=1.10x",
                "Vigil verify", "bare verify", "ratio", "<=1.15x");
        for (Round round : one.rounds()) {
            double dump = round.vigil().dump() / round.bareDump();
            double verify = round.vigil().verify() / round.bareVerify().seconds();
            System.out.printf("%-11s %9.1f s %8.1f s %6.2fx %-7s   %11.1f s %10.1f s %6.2fx %-7s%n", name(round), round.vigil().dump(), round.bareDump(),
                    dump, met(dump <= DUMP_TARGET), round.vigil().verify(), round.bareVerify().seconds(), verify, met(verify <= VERIFY_TARGET));
        }
        System.out.println("where the time went (the services' own logs; the bare steps):");
        for (Round round : one.rounds()) {
            System.out.printf("  %-10s %s; %s; requested -> verified %.1f s%n", name(round), round.worker(), round.verifier(), round.vigil().total());
            System.out.printf("  %-10s CPU used during Vigil's backup (request to verdict): %s%n", "", round.cpu());
            System.out.printf("  %-10s bare: %s%n", "", round.bareVerify().steps());
        }
        System.out.print("peak RSS (VmHWM), MB:");
        one.peakRssKb().forEach((service, kb) -> System.out.printf("  %s %d", service, kb / 1024));
        System.out.println();
        System.out.println();
    }

    private static void memoryReport(List<Measured> orderHistory) {
        if (orderHistory.size() < 2) {
            System.out.println("BENCH_MEMORY=true needs the order-history shape in BENCH_SHAPES");
            return;
        }
        Measured small = orderHistory.get(0);
        Measured large = orderHistory.get(1);
        System.out.printf("== memory: each service's peak RSS as the database grows (flat: within %.2fx or +%d MB of the smaller run's)%n",
                FLAT_RATIO, FLAT_MARGIN_KB / 1024);
        System.out.printf("%-18s %14s %14s %7s  %s%n", "service", String.format(Locale.ROOT, "%.2f GB", small.bytes() / 1e9),
                String.format(Locale.ROOT, "%.2f GB", large.bytes() / 1e9), "ratio", "flat");
        small.peakRssKb().forEach((service, smallKb) -> {
            long largeKb = large.peakRssKb().get(service);
            boolean flat = largeKb <= smallKb * FLAT_RATIO || largeKb <= smallKb + FLAT_MARGIN_KB;
            System.out.printf("%-18s %11d MB %11d MB %6.2fx  %s%n", service, smallKb / 1024, largeKb / 1024, (double) largeKb / smallKb, met(flat));
        });
        System.out.println();
    }

    private static String name(Round round) {
        return round.number() + (round.number() == 1 ? " (first)" : "");
    }

    private static String label(Measured one) {
        return label(one.shape(), one.bytes());
    }

    private static String label(ProductShape shape, long bytes) {
        return String.format(Locale.ROOT, "%s (%s, %.2f GB)", shape.name(), shape.database(), bytes / 1e9);
    }

    private static String met(boolean met) {
        return met ? "MET" : "MISSED";
    }
}
