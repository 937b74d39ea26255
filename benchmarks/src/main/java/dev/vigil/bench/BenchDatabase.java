package dev.vigil.bench;

import dev.vigil.local.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The benchmarks' generated database (an order history of at least 1 GB) and the processes they run. */
final class BenchDatabase {

    private BenchDatabase() {
    }

    /**
     * Generates the database unless one of at least 1 GB is there and {@code reuse}; answers its size.
     * Settings by environment: BENCH_ORDERS (default 2400000 orders, about 1.4 GB).
     */
    static long ensure(LocalPostgres postgres, boolean reuse) throws Exception {
        long orders = Long.parseLong(System.getenv().getOrDefault("BENCH_ORDERS", "2400000"));
        long size = size(postgres);
        if (size < 1_000_000_000L || !reuse) {
            System.out.printf("generating %,d orders...%n", orders);
            long started = System.nanoTime();
            postgres.execute("bench", script().replace(":ORDERS", String.valueOf(orders)));
            size = size(postgres);
            Files.writeString(marker(), String.valueOf(System.currentTimeMillis()));
            System.out.printf("generated in %.0f s%n", (System.nanoTime() - started) / 1e9);
        }
        if (size < 1_000_000_000L) {
            throw new IllegalStateException("the benchmark database must be at least 1 GB; raise BENCH_ORDERS");
        }
        return size;
    }

    /** When the database was last generated (epoch millis), 0 if unknown: artifacts older than that are of another database. */
    static long generatedAt() throws IOException {
        return Files.exists(marker()) ? Long.parseLong(Files.readString(marker()).strip()) : 0;
    }

    private static Path marker() {
        return Path.of("target/bench/generated-at").toAbsolutePath();
    }

    /**
     * The dump worker's own dump stage ({@code DumpStageBenchmark}: snapshot, exact counts, pg_dump,
     * zstd level 3 with 2 workers, optionally AES-256-GCM under {@code key}) in a JVM of its own under
     * GNU time; answers what it printed. Its peak RSS goes to {@code <output>.time}.
     */
    static String workerDump(LocalPostgres postgres, Path output, String key) throws Exception {
        Path rss = output.resolveSibling(output.getFileName() + ".time");
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "dev.vigil.worker.dump.DumpStageBenchmark",
                postgres.host(), String.valueOf(postgres.port()), "bench", LocalPostgres.SUPERUSER, output.toString(), "zstd", "3", "2"));
        if (key != null) {
            command.add(key);
        }
        return run(command);
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("failed: " + String.join(" ", command) + "\n" + out);
        }
        return out;
    }

    static long size(LocalPostgres postgres) throws Exception {
        try (var connection = postgres.connect("bench"); ResultSet rs = connection.createStatement().executeQuery("select pg_database_size('bench')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String script() throws IOException {
        try (InputStream in = BenchDatabase.class.getResourceAsStream("/bench/generate.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
