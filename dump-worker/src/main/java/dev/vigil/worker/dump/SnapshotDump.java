package dev.vigil.worker.dump;

import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.messaging.Cancellation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One dump of an open {@link SourceSnapshot}: pg_dump runs on the caller's thread while the exact
 * row counts and the catalog are read on the snapshot's own connection, on a thread of its own. Both
 * see the same exported snapshot (pg_dump imports it with {@code --snapshot}; the counts run in the
 * transaction that exported it), so the counts still describe exactly the data in the artifact. Where
 * pg_dump waits on the server more than it computes (thousands of small tables: one round trip after
 * another), the counts cost no time at all beside it (3,000 tables: 3.3 s before pg_dump, 2.3 s
 * beside it, pg_dump alone 2.3 s); where pg_dump and the compression keep both cores busy (a few
 * big tables) it is as fast as counting first, and on a source on another host the counts' work is
 * not on the worker's cores at all.
 *
 * <p>Failures are reported as when the counts came first: a count that fails (its timeout, a
 * permission) stops pg_dump and fails the dump with the count's own message; a pg_dump that fails
 * on its own stops the counts and fails with pg_dump's, unless the counts fail on their own within
 * {@link #COUNTS_GRACE} too. Neither thread nor process outlives {@link #run}. Not thread-safe; one
 * use per snapshot.
 */
final class SnapshotDump {

    /** What one dump produced: pg_dump's output, the counts and catalog of the same snapshot, and how long reading those took. */
    record Result(PgDumpProcess.Output output, List<TableRowCount> counts, Catalog catalog, long readMillis) {
    }

    /** How pg_dump is run on the snapshot, with the cancellation that stops it. */
    @FunctionalInterface
    interface PgDump {

        PgDumpProcess.Output run(Cancellation stop) throws DumpFailure, InterruptedException;
    }

    /**
     * How long a failed pg_dump waits for the counts to fail by themselves too (a missing permission
     * fails both at once), so that the counts' message, the one a dump reported before pg_dump
     * started, is still the one reported.
     */
    static final Duration COUNTS_GRACE = Duration.ofSeconds(2);

    private record Reads(List<TableRowCount> counts, Catalog catalog, long millis) {
    }

    private SnapshotDump() {
    }

    /**
     * Runs {@code pgDump} on {@code snapshot} and reads its counts and catalog beside it.
     * {@code cancellation} stops both (it must already abort the snapshot's connection, as
     * {@link DumpService} registers it); what it stops fails here and is the caller's to tell apart.
     */
    static Result run(SourceSnapshot snapshot, Connection target, DumpOptions options, Cancellation cancellation, PgDump pgDump)
            throws DumpFailure, InterruptedException {
        Cancellation stopPgDump = new Cancellation();
        cancellation.onCancel(stopPgDump::cancel);
        CompletableFuture<Reads> reads = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().name("dump-counts").daemon().start(() -> {
            try {
                long started = System.nanoTime();
                List<TableRowCount> counts = snapshot.countRows(target, options);
                reads.complete(new Reads(counts, snapshot.catalog(target, options), (System.nanoTime() - started) / 1_000_000));
            } catch (Throwable e) {
                reads.completeExceptionally(e);
                // A count that failed leaves nothing worth dumping: pg_dump is stopped at once.
                stopPgDump.cancel();
            }
        });
        PgDumpProcess.Output output;
        try {
            output = pgDump.run(stopPgDump);
        } catch (DumpFailure pgDumpFailure) {
            throw countsFailureOr(pgDumpFailure, reads, snapshot, reader);
        } catch (InterruptedException | RuntimeException | Error e) {
            stopPgDump.cancel();
            stopReading(snapshot, reader);
            throw e;
        }
        try {
            Reads done = reads.get();
            return new Result(output, done.counts(), done.catalog(), done.millis());
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        } catch (InterruptedException e) {
            stopReading(snapshot, reader);
            throw e;
        } finally {
            reader.join();
        }
    }

    /** pg_dump failed: the counts' own failure if they fail within the grace (they came first before), else pg_dump's. */
    private static DumpFailure countsFailureOr(DumpFailure pgDumpFailure, CompletableFuture<Reads> reads, SourceSnapshot snapshot, Thread reader)
            throws InterruptedException {
        try {
            reads.get(COUNTS_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            return pgDumpFailure;
        } catch (ExecutionException e) {
            return e.getCause() instanceof DumpFailure countsFailure ? countsFailure : pgDumpFailure;
        } catch (TimeoutException e) {
            return pgDumpFailure;
        } finally {
            stopReading(snapshot, reader);
        }
    }

    /** Ends the counts still running (their query ends with the connection) and waits for their thread. */
    private static void stopReading(SourceSnapshot snapshot, Thread reader) throws InterruptedException {
        if (reader.isAlive()) {
            snapshot.abort();
        }
        reader.join();
    }

    private static DumpFailure rethrown(Throwable cause) {
        return switch (cause) {
            case DumpFailure failure -> failure;
            case RuntimeException unchecked -> throw unchecked;
            case Error error -> throw error;
            default -> throw new IllegalStateException(cause);
        };
    }
}
