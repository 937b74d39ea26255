package dev.vigil.bench;

import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.PostgresBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 3's benchmark, in one run on one generated database (at least 1 GB): the dump worker's dump
 * stage (snapshot, exact counts, pg_dump, zstd level 3 with 2 workers; and again with AES-256-GCM)
 * in a JVM of its own, against {@code pg_dump -Fc -Z0 | zstd -3 -T2} and {@code pg_dump -Fc -Z9}.
 * Prints times, sizes, ratios and the worker stage's peak RSS, and whether each target is met.
 * See benchmarks/README.md.
 */
public final class DumpStageComparison {

    private static final Pattern JSON_NUMBER = Pattern.compile("\"(\\w+)\": ([0-9.]+)");

    private record Result(String name, double seconds, long bytes, long peakRssKb) {
    }

    private DumpStageComparison() {
    }

    public static void main(String[] args) throws Exception {
        boolean reuse = Boolean.parseBoolean(System.getenv().getOrDefault("BENCH_REUSE", "false"));
        Path work = Path.of("target/bench").toAbsolutePath();
        Files.createDirectories(work);
        Path bin = PostgresBinaries.binDir();
        try (LocalPostgres postgres = LocalPostgres.start(work.resolve("pg"), FreePorts.next())) {
            postgres.createDatabase("bench");
            long size = BenchDatabase.ensure(postgres, reuse);
            System.out.printf("database: %.2f GB (pg_database_size), PostgreSQL binaries %s, %d cores%n%n",
                    size / 1e9, bin, Runtime.getRuntime().availableProcessors());
            String connection = "-h " + postgres.host() + " -p " + postgres.port() + " -U " + LocalPostgres.SUPERUSER + " bench";
            String pgDump = bin.resolve("pg_dump").toString();
            List<Result> results = new ArrayList<>();
            results.add(shell("pg_dump -Fc -Z0 | zstd -3 -T2", pgDump + " -Fc -Z0 " + connection + " | zstd -3 -T2 -q -f -o " + work.resolve("zstd.dump.zst"),
                    work.resolve("zstd.dump.zst")));
            results.add(worker("worker dump stage (zstd 3, 2 workers)", postgres, work.resolve("worker.dump.zst"), null));
            results.add(worker("worker dump stage + AES-256-GCM", postgres, work.resolve("worker.dump.zst.enc"),
                    "bench:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
            results.add(shell("pg_dump -Fc -Z9", pgDump + " -Fc -Z9 -f " + work.resolve("z9.dump") + " " + connection, work.resolve("z9.dump")));
            report(results);
        }
    }

    private static void report(List<Result> results) {
        Result pipeline = results.get(0);
        Result worker = results.get(1);
        Result encrypted = results.get(2);
        Result z9 = results.get(3);
        System.out.printf("%-40s %10s %12s %14s%n", "", "seconds", "MB", "peak RSS MB");
        for (Result r : results) {
            System.out.printf("%-40s %10.1f %12.1f %14s%n", r.name(), r.seconds(), r.bytes() / 1e6,
                    r.peakRssKb() > 0 ? String.format(Locale.ROOT, "%.0f", r.peakRssKb() / 1024.0) : "-");
        }
        double vsPipeline = worker.seconds() / pipeline.seconds();
        double vsZ9 = z9.seconds() / worker.seconds();
        double maxRss = Math.max(worker.peakRssKb(), encrypted.peakRssKb()) / 1024.0;
        System.out.println();
        System.out.printf("worker / (pg_dump | zstd -3 -T2):  %.2fx  (target <= 1.10x) %s%n", vsPipeline, vsPipeline <= 1.10 ? "MET" : "MISSED");
        System.out.printf("(pg_dump -Z9) / worker:            %.2fx  (target >= 4x)    %s%n", vsZ9, vsZ9 >= 4 ? "MET" : "MISSED");
        System.out.printf("worker peak RSS:                   %.0f MB (target < 350 MB) %s%n", maxRss, maxRss < 350 ? "MET" : "MISSED");
        System.out.printf("encryption costs %.2fx time; sizes: worker %.2fx of the zstd pipeline, -Z9 %.2fx of it%n",
                encrypted.seconds() / worker.seconds(), (double) worker.bytes() / pipeline.bytes(), (double) z9.bytes() / pipeline.bytes());
    }

    private static Result shell(String name, String command, Path output) throws Exception {
        System.out.println("running " + name + "...");
        long started = System.nanoTime();
        BenchDatabase.run(List.of("bash", "-o", "pipefail", "-c", command));
        return new Result(name, (System.nanoTime() - started) / 1e9, Files.size(output), 0);
    }

    private static Result worker(String name, LocalPostgres postgres, Path output, String key) throws Exception {
        System.out.println("running " + name + "...");
        String out = BenchDatabase.workerDump(postgres, output, key);
        Path rss = output.resolveSibling(output.getFileName() + ".time");
        Matcher m = JSON_NUMBER.matcher(out);
        double seconds = 0;
        long bytes = 0;
        while (m.find()) {
            switch (m.group(1)) {
                case "seconds" -> seconds = Double.parseDouble(m.group(2));
                case "bytes" -> bytes = Long.parseLong(m.group(2));
                default -> { }
            }
        }
        long peak = Long.parseLong(Files.readAllLines(rss).getLast().strip());
        return new Result(name, seconds, bytes, peak);
    }
}
