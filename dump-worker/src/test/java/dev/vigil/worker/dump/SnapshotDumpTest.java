package dev.vigil.worker.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.codec.Compression;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.local.LocalPostgres;
import dev.vigil.messaging.Cancellation;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row counts and catalog read beside pg_dump, against a real PostgreSQL and the real pg_dump: both
 * describe the same snapshot, and a failure on either side stops the other and is reported as before.
 */
class SnapshotDumpTest {

    private static final String DATABASE = "snapshot_beside";

    @TempDir
    Path work;

    @BeforeAll
    static void source() {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase(DATABASE);
        postgres.execute(DATABASE, "drop table if exists public.orders, public.busy; "
                + "create table public.orders(id int primary key, note text); insert into public.orders select g, 'order ' || g from generate_series(1, 10) g; "
                + "create table public.busy(id int); insert into public.busy values (1)");
    }

    @Test
    void theCountsTheDumpAndTheCatalogAllDescribeTheSnapshotNotRowsWrittenAfterIt() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        Connection target = target(postgres);
        Path artifact = work.resolve("orders.dump");
        try (SourceSnapshot snapshot = SourceSnapshot.open(target, Optional.empty(), Duration.ofSeconds(5), Duration.ofMinutes(1))) {
            // Written after the snapshot was taken, before pg_dump and the counts start: in neither.
            postgres.execute(DATABASE, "insert into public.orders select g, 'late ' || g from generate_series(11, 15) g");
            try {
                SnapshotDump.Result result = dump(snapshot, target, artifact, new Cancellation());

                assertThat(result.counts()).extracting(TableRowCount::table, TableRowCount::rows).contains(
                        org.assertj.core.groups.Tuple.tuple("orders", 10L));
                assertThat(result.catalog().objects().keySet()).as("the catalog read beside pg_dump").anyMatch(name -> name.contains("orders"));
                assertThat(result.output().sizeBytes()).isEqualTo(Files.size(artifact));
                assertThat(rowsInDump(postgres, artifact, "orders")).as("rows of orders in the dump").hasSize(10).noneMatch(row -> row.contains("late"));
            } finally {
                postgres.execute(DATABASE, "delete from public.orders where id > 10");
            }
        }
    }

    @Test
    void aCountThatTimesOutStopsPgDumpAndFailsTheDumpWithTheCountsOwnMessage() throws Exception {
        Connection target = target(LocalPostgres.shared());
        // pg_dump would wait for the lock for ever (no --lock-wait-timeout); the count gives up after 1 s.
        whileBusyIsLocked(() -> {
            try (SourceSnapshot snapshot = SourceSnapshot.open(target, Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(1))) {
                long started = System.nanoTime();

                assertThatThrownBy(() -> dump(snapshot, target, work.resolve("busy.dump"), new Cancellation()))
                        .isInstanceOfSatisfying(DumpFailure.class, f -> assertThat(f.failureClass()).isEqualTo(FailureClass.DUMP_ERROR))
                        .hasMessageContaining("did not finish within vigil.worker.count-timeout (PT1S)")
                        .hasMessageContaining("locked by another session");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            }
            assertThat(pgDumpsRunning()).as("pg_dump processes left running").isZero();
        });
    }

    @Test
    void aPgDumpThatFailsStopsTheCountsAndItsOwnFailureIsReported() throws Exception {
        Connection target = target(LocalPostgres.shared());
        // The counts would wait for the lock their whole timeout (a minute) unless pg_dump's failure stops them.
        whileBusyIsLocked(() -> {
            try (SourceSnapshot snapshot = SourceSnapshot.open(target, Optional.empty(), Duration.ofSeconds(5), Duration.ofMinutes(1))) {
                long started = System.nanoTime();

                assertThatThrownBy(() -> SnapshotDump.run(snapshot, target, DumpOptions.defaults(), new Cancellation(), stop -> {
                    throw new DumpFailure(FailureClass.DUMP_ERROR, "pg_dump exited with 1: out of memory");
                })).isInstanceOfSatisfying(DumpFailure.class, f -> assertThat(f.getMessage()).isEqualTo("pg_dump exited with 1: out of memory"));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the counts' grace, not their minute")
                        .isLessThan(SnapshotDump.COUNTS_GRACE.plusSeconds(10));
            }
        });
    }

    /** What runs while another session holds {@code public.busy} locked, as a long transaction altering it would. */
    @FunctionalInterface
    private interface Locked {

        void run() throws Exception;
    }

    private static void whileBusyIsLocked(Locked test) throws Exception {
        try (java.sql.Connection locker = LocalPostgres.shared().connect(DATABASE)) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("lock table public.busy in access exclusive mode");
            test.run();
            locker.rollback();
        }
    }

    private static SnapshotDump.Result dump(SourceSnapshot snapshot, Connection target, Path artifact, Cancellation cancellation)
            throws Exception {
        Path pgDump = LocalPostgres.shared().binDir().resolve("pg_dump");
        try (OutputStream sink = Files.newOutputStream(artifact)) {
            return SnapshotDump.run(snapshot, target, DumpOptions.defaults(), cancellation, stop -> PgDumpProcess.run(pgDump, target,
                    Optional.empty(), snapshot.snapshotId(), sink, artifact.getParent(), "test", 5, DumpOptions.defaults(),
                    new PgDumpProcess.Wrapping(Compression.NONE, 0, 0, null), new DumpProgress(), stop));
        }
    }

    private static Connection target(LocalPostgres postgres) {
        return new Connection(postgres.host(), postgres.port(), DATABASE, LocalPostgres.SUPERUSER, null, null);
    }

    /** The data lines of {@code table} in a custom-format dump, as pg_restore writes them out. */
    private static List<String> rowsInDump(LocalPostgres postgres, Path artifact, String table) throws Exception {
        Process restore = new ProcessBuilder(postgres.binDir().resolve("pg_restore").toString(), "--data-only", "--table=" + table, "--file=-",
                artifact.toString()).redirectErrorStream(true).start();
        String out = new String(restore.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(restore.waitFor()).as("pg_restore: " + out).isZero();
        List<String> lines = out.lines().toList();
        int from = lines.indexOf(lines.stream().filter(line -> line.startsWith("COPY public." + table)).findFirst().orElseThrow());
        return lines.subList(from + 1, lines.indexOf("\\.")).stream().toList();
    }

    private static long pgDumpsRunning() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("pg_dump")).orElse(false)).count();
    }
}
