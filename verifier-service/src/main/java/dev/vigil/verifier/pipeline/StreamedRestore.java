package dev.vigil.verifier.pipeline;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.messaging.Cancellation;
import dev.vigil.pgclients.PostgresClients;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;

/**
 * Restores a custom-format backup into a scratch database while it is still arriving, instead of
 * after: the download (with its checksum) and decoding write the file pg_restore reads, an
 * {@link ArchiveWatch} follows it, and pg_restore runs in pieces as the file grows, up to
 * {@code restore-jobs} at once: the schema ({@code --section=pre-data}) as soon as the table of
 * contents is there; each table's data as soon as its block is whole; each index and constraint as
 * soon as the tables it needs are loaded (the order pg_restore's own parallel restore follows, see
 * {@link Schedule}); the rest of the post-data section last. pg_restore does all the restoring, so
 * what is restored is what one whole pg_restore would restore.
 *
 * <p>Only where restoring before the checksum is known destroys nothing: a scratch database. A
 * checksum that differs, or an archive that cannot be decoded, stops the pieces and is the verdict,
 * as before. An archive the watch cannot follow is left, whole once it has arrived, to the caller to restore.
 */
final class StreamedRestore {

    /**
     * What a streamed restore came to.
     *
     * @param unreadable why the artifact cannot be restored (its checksum, its decoding), the verdict
     * @param run        what pg_restore reported, all pieces together; null when nothing was restored because the
     *                   archive could not be followed (the whole file is there: restore it as any other)
     * @param fetchNanos how long the download and decoding took, from the start
     */
    record Result(Optional<String> unreadable, RestoreProgram.Run run, long fetchNanos, int pieces, String timeline) {
    }

    private final ArtifactFetch fetch;
    private final RestoreProgram programs;

    StreamedRestore(ArtifactFetch fetch, RestoreProgram programs) {
        this.fetch = fetch;
        this.programs = programs;
    }

    /** Whether this backup restores while it arrives: a custom-format archive into a destination that may see a damaged one. */
    static boolean applies(ArtifactStored stored, Destination destination) {
        return "custom".equals(stored.artifact().format()) && destination.restoresWhileArriving() && destination.runs().equals(List.of(List.of()));
    }

    /**
     * @param loaded told of each table whose data a piece has restored (its schema and name), as the piece ends
     */
    Result run(ArtifactStored stored, Destination destination, PostgresClients.Program program, ArtifactFetch.WorkFiles files, long room,
            Cancellation cancellation, java.util.function.BiConsumer<String, String> loaded) throws IOException, SQLException, InterruptedException {
        long started = System.nanoTime();
        Path archive = ArtifactFetch.restoredFrom(stored, files);
        ArchiveWatch watch = new ArchiveWatch(archive);
        // Stops the download and every piece: this restore ended early, or the work was cancelled.
        Cancellation stop = new Cancellation();
        cancellation.onCancel(stop::cancel);
        long[] fetched = new long[1];
        FutureTask<Optional<String>> download = new FutureTask<>(() -> {
            try {
                return fetch.fetch(stored, files, stop, room, watch);
            } finally {
                fetched[0] = System.nanoTime() - started;
                watch.end();
            }
        });
        Thread.ofPlatform().daemon().name("download-" + stored.jobId()).start(download);
        // The pieces are pg_restore processes; these threads only wait for them.
        try (ExecutorService pieces = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                List<ArchiveWatch.Entry> toc = watch.awaitToc();
                if (toc == null) {
                    // Nothing to follow: the caller restores the whole file, which is there now, as it restores any other.
                    return new Result(outcome(download), null, fetched[0], 0, "");
                }
                destination.prepare();
                Schedule schedule = new Schedule(toc);
                List<String> errors = new ArrayList<>();
                int count = 1;
                Timeline timeline = new Timeline(started);
                long at = System.nanoTime();
                errors(programs.piece(program, stored, files, destination.server(), destination.database(), List.of("--section=pre-data"), stop),
                        errors);
                timeline.add("pre-data", 0, at);
                schedule.preDataDone();
                List<Piece> running = new ArrayList<>();
                boolean whole = false;
                while (true) {
                    for (var it = running.iterator(); it.hasNext(); ) {
                        Piece piece = it.next();
                        if (piece.run().isDone()) {
                            RestoreProgram.Run run = piece(piece.run());
                            if (piece.abandoned().get()) {
                                // Stopped before its block was known whole, its COPY rolled back: restored again from the whole file.
                                schedule.retry(piece.ids());
                            } else {
                                errors(run, errors);
                                schedule.done(piece.ids());
                                piece.ids().stream().map(schedule::entry).filter(entry -> "TABLE DATA".equals(entry.desc()))
                                        .forEach(entry -> loaded.accept(entry.namespace(), entry.tag()));
                            }
                            it.remove();
                        }
                    }
                    if (!whole && download.isDone()) {
                        Optional<String> unreadable = outcome(download);
                        if (unreadable.isPresent()) {
                            return new Result(unreadable, null, fetched[0], count, timeline.toString());
                        }
                        whole = true;
                    }
                    schedule.arrived(watch.takeBegun(), watch.takeReady(), whole);
                    boolean launched = false;
                    for (Schedule.Batch batch; (batch = schedule.next(programs.jobs(), running.size())) != null; ) {
                        Path list = useList(files, count++, batch.ids());
                        AtomicBoolean abandoned = new AtomicBoolean();
                        Schedule.Batch piece = batch;
                        running.add(new Piece(batch.ids(), abandoned, pieces.submit(() -> {
                            long begun = System.nanoTime();
                            try {
                                if (piece.fed()) {
                                    return programs.fedPiece(program, stored, destination.server(), destination.database(),
                                            List.of("--section=data", "--use-list=" + list), feeder(watch, archive, piece.ids().getFirst(), abandoned), stop);
                                }
                                return programs.piece(program, stored, files, destination.server(), destination.database(),
                                        List.of(piece.section(), "--use-list=" + list), stop);
                            } finally {
                                timeline.add((piece.fed() ? "data as it arrives" : piece.section().substring("--section=".length())),
                                        piece.ids().size(), begun);
                                watch.poke();
                            }
                        })));
                        launched = true;
                    }
                    if (whole && running.isEmpty() && !launched && schedule.dataDone()) {
                        break;
                    }
                    if (!launched) {
                        watch.await(100);
                    }
                }
                // What is left of the post-data section (triggers, rules, comments, materialized views' data, and any index or
                // constraint not yet made) in one pg_restore, in its own order and in parallel.
                List<Integer> rest = schedule.postDataLeft();
                if (!rest.isEmpty()) {
                    Path list = useList(files, count++, rest);
                    at = System.nanoTime();
                    errors(programs.piece(program, stored, files, destination.server(), destination.database(),
                            List.of("--section=post-data", "--jobs=" + programs.jobs(), "--use-list=" + list), stop), errors);
                    timeline.add("post-data rest", rest.size(), at);
                }
                return new Result(Optional.empty(), new RestoreProgram.Run(null, errors.isEmpty() ? null : String.join("\n", errors)),
                        fetched[0], count - 1, timeline.toString());
            } finally {
                stop.cancel();
            }
        } finally {
            // The download thread ends once aborted; its files go when the caller closes them.
            try {
                download.get();
            } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
                // told above, or of no interest once the restore stopped
            }
        }
    }

    private record Piece(List<Integer> ids, AtomicBoolean abandoned, Future<RestoreProgram.Run> run) {
    }

    /**
     * Feeds a pg_restore reading standard input the archive's header and table of contents, then one
     * data block from the file as it is written, so the table loads while its data arrives. When the
     * block's end will not be known (the watch stopped following, or the writing stopped), pg_restore
     * is killed before its input ends, so its COPY rolls back whole, and the piece is abandoned.
     */
    static RestoreProgram.Feeder feeder(ArchiveWatch watch, Path archive, int dumpId, AtomicBoolean abandoned) {
        return process -> {
            OutputStream stdin = process.getOutputStream();
            stdin.write(watch.tocBytes());
            try (FileChannel in = FileChannel.open(archive, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
                long at = watch.blockStart(dumpId);
                while (true) {
                    stdin.flush();
                    long limit = watch.readable(dumpId, at);
                    if (limit < 0) {
                        abandoned.set(true);
                        process.destroyForcibly().waitFor();
                        return;
                    }
                    if (limit == at) {
                        return;
                    }
                    while (at < limit) {
                        buffer.clear().limit((int) Math.min(buffer.capacity(), limit - at));
                        int n = in.read(buffer, at);
                        if (n < 0) {
                            throw new java.io.EOFException("the archive is shorter than what was written of it");
                        }
                        stdin.write(buffer.array(), 0, n);
                        at += n;
                    }
                }
            }
        };
    }

    /** When each piece ran, in ms from the start, for the log: where a verification's time went. Thread-safe. */
    private static final class Timeline {
        private static final int SHOWN = 12;
        private final long started;
        private final List<String> pieces = new ArrayList<>();
        private int more;

        Timeline(long started) {
            this.started = started;
        }

        synchronized void add(String what, int entries, long begun) {
            if (pieces.size() < SHOWN) {
                pieces.add(what + (entries > 0 ? " (" + entries + ")" : "") + " " + (begun - started) / 1_000_000 + "-"
                        + (System.nanoTime() - started) / 1_000_000);
            } else {
                more++;
            }
        }

        @Override
        public synchronized String toString() {
            return String.join(", ", pieces) + (more > 0 ? " and " + more + " more" : "");
        }
    }

    /**
     * What may be restored next, as pg_restore's own parallel restore decides it: a table's data once
     * its block is whole (or, for entries without a block, once the file is whole); an index or a
     * constraint once every entry it depends on is restored, a table counting as restored once its
     * data is. Everything else after the post-data section waits for the last piece. Used by one thread.
     */
    static final class Schedule {

        /** The post-data entries made as soon as their tables are loaded: the ones that take time. */
        private static final Set<String> EARLY = Set.of("INDEX", "CONSTRAINT", "FK CONSTRAINT");

        private final java.util.Map<Integer, ArchiveWatch.Entry> byId = new java.util.HashMap<>();
        private final java.util.Map<Integer, Integer> dataOfTable = new java.util.HashMap<>();
        private final Set<Integer> data = new LinkedHashSet<>();
        private final Set<Integer> early = new LinkedHashSet<>();
        private final Set<Integer> postData = new LinkedHashSet<>();
        private final Set<Integer> done = new HashSet<>();
        private final Set<Integer> launched = new HashSet<>();
        private final Set<Integer> dataReady = new LinkedHashSet<>();

        /** A piece to run: pg_restore's section switch and the entries of its list; fed: one block, read as it arrives. */
        record Batch(String section, List<Integer> ids, boolean fed) {
            Batch(String section, List<Integer> ids) {
                this(section, ids, false);
            }
        }

        private final Set<Integer> arriving = new LinkedHashSet<>();

        Schedule(List<ArchiveWatch.Entry> toc) {
            for (ArchiveWatch.Entry entry : toc) {
                byId.put(entry.dumpId(), entry);
                if (entry.section() == ArchiveWatch.SECTION_DATA) {
                    data.add(entry.dumpId());
                    if ("TABLE DATA".equals(entry.desc()) && !entry.dependencies().isEmpty()) {
                        dataOfTable.put(entry.dependencies().getFirst(), entry.dumpId());
                    }
                } else if (entry.section() == ArchiveWatch.SECTION_POST_DATA) {
                    postData.add(entry.dumpId());
                    if (EARLY.contains(entry.desc())) {
                        early.add(entry.dumpId());
                    }
                }
            }
        }

        /** The table of contents' entry of {@code dumpId}. */
        ArchiveWatch.Entry entry(int dumpId) {
            return byId.get(dumpId);
        }

        void preDataDone() {
            byId.values().stream().filter(e -> e.section() != ArchiveWatch.SECTION_DATA && e.section() != ArchiveWatch.SECTION_POST_DATA)
                    .forEach(e -> done.add(e.dumpId()));
        }

        void done(List<Integer> ids) {
            done.addAll(ids);
        }

        /** Blocks just begun and just found whole; once the file is whole, every data entry may be restored. */
        void arrived(List<Integer> begun, List<Integer> whole, boolean fileWhole) {
            for (Integer id : begun) {
                if (data.contains(id) && !launched.contains(id)) {
                    arriving.add(id);
                }
            }
            for (Integer id : whole) {
                arriving.remove(id);
                if (data.contains(id) && !launched.contains(id)) {
                    dataReady.add(id);
                }
            }
            if (fileWhole) {
                arriving.clear();
                data.stream().filter(id -> !launched.contains(id)).forEach(dataReady::add);
            }
        }

        /** Pieces abandoned before their blocks were whole: their entries are restored again, from the file. */
        void retry(List<Integer> ids) {
            launched.removeAll(ids);
        }

        /**
         * The next piece, or null when nothing may run now ({@code running} pieces of {@code jobs} run):
         * data first, whole blocks before a block still arriving (which may take up to {@code jobs} more pieces);
         * then the indexes and constraints that may be made. Few entries ready go one to a piece, so the pieces share them
         * out as pg_restore's workers would; thousands go in a few large pieces.
         */
        Batch next(int jobs, int running) {
            if (running < jobs && !dataReady.isEmpty()) {
                return new Batch("--section=data", take(dataReady, jobs));
            }
            if (running < 2 * jobs && !arriving.isEmpty()) {
                // A block still arriving loads as it comes, beyond the jobs if need be: the archive's last table is often
                // its largest, and the restore ends no sooner than that table is loaded, so it must not wait for the others.
                Integer id = arriving.iterator().next();
                arriving.remove(id);
                launched.add(id);
                return new Batch("--section=data", List.of(id), true);
            }
            if (running >= jobs) {
                return null;
            }
            Set<Integer> ready = new LinkedHashSet<>();
            for (Integer id : early) {
                if (!launched.contains(id) && byId.get(id).dependencies().stream().allMatch(this::restored)) {
                    ready.add(id);
                }
            }
            if (!ready.isEmpty()) {
                return new Batch("--section=post-data", take(ready, jobs));
            }
            return null;
        }

        private List<Integer> take(Set<Integer> ready, int jobs) {
            int size = Math.max(1, ready.size() / (jobs * 4));
            List<Integer> batch = new ArrayList<>(size);
            for (var it = ready.iterator(); it.hasNext() && batch.size() < size; ) {
                Integer id = it.next();
                it.remove();
                batch.add(id);
                launched.add(id);
            }
            return batch;
        }

        /** Restored, as a dependency: made, or a table whose data is loaded, or not in the archive at all. */
        private boolean restored(Integer id) {
            if (!byId.containsKey(id)) {
                return true;
            }
            Integer tableData = dataOfTable.get(id);
            return done.contains(tableData != null ? tableData : id);
        }

        /** Every data entry restored. */
        boolean dataDone() {
            return done.containsAll(data);
        }

        /** The post-data entries not yet restored, in the archive's order. */
        List<Integer> postDataLeft() {
            return postData.stream().filter(id -> !launched.contains(id)).toList();
        }
    }

    /** pg_restore's {@code --use-list} file for one piece: its entries' dump ids, one a line. */
    private static Path useList(ArtifactFetch.WorkFiles files, int piece, List<Integer> ids) throws IOException {
        Path list = files.directory.resolve("piece-" + piece + ".list");
        Files.writeString(list, ids.stream().map(id -> id + "\n").collect(Collectors.joining()));
        return list;
    }

    private static void errors(RestoreProgram.Run run, List<String> errors) {
        if (run.errors() != null) {
            errors.add(run.errors());
        }
    }

    private static RestoreProgram.Run piece(Future<RestoreProgram.Run> piece) throws IOException, InterruptedException {
        try {
            return piece.get();
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
    }

    /** The download's answer: why the artifact cannot be restored, or empty; its failure thrown as it was. */
    private static Optional<String> outcome(FutureTask<Optional<String>> download) throws IOException, InterruptedException {
        try {
            return download.get();
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
    }

    private static IOException rethrown(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(cause);
    }
}
