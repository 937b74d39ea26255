package dev.vigil.bench;

import dev.vigil.local.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bare tools on the benchmark's cluster, as the stage benchmarks run them: the dump
 * {@code pg_dump -Fc -Z0 | zstd -3 -T2} (DumpStageComparison's row), and the verification
 * {@code createdb}, {@code pg_restore --jobs 2} of the decoded dump, one {@code count(*)} per table,
 * {@code dropdb} (VerificationComparison's row). Each timed run starts after a CHECKPOINT.
 */
final class BareTools {

    private final LocalPostgres postgres;
    private final Path work;
    private final String connection;

    BareTools(LocalPostgres postgres, Path work) {
        this.postgres = postgres;
        this.work = work;
        this.connection = " -h " + postgres.host() + " -p " + postgres.port() + " -U " + LocalPostgres.SUPERUSER;
    }

    /** Dumps {@code database} into {@code <work>/bare.dump.zst}; answers the seconds it took. */
    double dump(String database) throws Exception {
        postgres.execute("postgres", "checkpoint");
        long started = System.nanoTime();
        BenchDatabase.run(List.of("bash", "-o", "pipefail", "-c", postgres.binDir().resolve("pg_dump") + " -Fc -Z0" + connection + " " + database
                + " | zstd -3 -T2 -q -f -o " + work.resolve("bare.dump.zst")));
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * Restores the last dump into a fresh database and counts every table of it, then drops it; the
     * dump is decoded just before, not timed. Answers the seconds and each step's milliseconds.
     */
    Restored verify(List<String> tables) throws Exception {
        Path dump = work.resolve("bare.dump");
        BenchDatabase.run(List.of("zstd", "-d", "-q", "-f", "-o", dump.toString(), work.resolve("bare.dump.zst").toString()));
        Path counts = work.resolve("bare-counts.sql");
        StringBuilder sql = new StringBuilder();
        tables.forEach(table -> sql.append("select count(*) from ").append(table).append(";\n"));
        Files.writeString(counts, sql);
        Path bin = postgres.binDir();
        // Each step timed by bash, in milliseconds, one line each: createdb, pg_restore, the counts, dropdb.
        String command = String.join("; ",
                "set -e", "t() { local s=$(date +%s%N); \"$@\"; echo $(( ($(date +%s%N) - s) / 1000000 )); }",
                "t " + bin.resolve("createdb") + connection + " bench_bare",
                "t " + bin.resolve("pg_restore") + " --no-owner --no-privileges --no-tablespaces --jobs=2" + connection + " -d bench_bare " + dump,
                "t " + bin.resolve("psql") + " -X -q -A -t -o /dev/null" + connection + " -d bench_bare -f " + counts,
                "t " + bin.resolve("dropdb") + connection + " bench_bare");
        postgres.execute("postgres", "drop database if exists bench_bare with (force)");
        postgres.execute("postgres", "checkpoint");
        long started = System.nanoTime();
        List<String> steps = BenchDatabase.run(List.of("bash", "-o", "pipefail", "-c", command)).strip().lines().toList();
        double seconds = (System.nanoTime() - started) / 1e9;
        Files.delete(dump);
        return new Restored(seconds, "createdb " + steps.get(0) + " ms, pg_restore " + steps.get(1) + " ms, counts " + steps.get(2)
                + " ms, dropdb " + steps.get(3) + " ms");
    }

    /** A bare verification: its seconds and how they split. */
    record Restored(double seconds, String steps) {
    }
}
