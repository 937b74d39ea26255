package dev.vigil.verifier.pipeline;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.messaging.Cancellation;
import dev.vigil.pgclients.PostgresClients;
import java.io.IOException;
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
 * {@link ArchiveWatch} follows it, and pg_restore runs in pieces as the file grows: the schema
 * ({@code --section=pre-data}) as soon as the table of contents is there; each table's data as soon
 * as its block is whole ({@code --section=data} with a list of the entries ready, up to
 * {@code restore-jobs} at once); the rest of the data once the file is whole; then indexes,
 * constraints and triggers ({@code --section=post-data --jobs}). pg_restore does all the restoring, so
 * what is restored is what one whole pg_restore would restore.
 *
 * <p>Only where restoring before the checksum is known destroys nothing: a scratch database. A
 * checksum that differs, or an archive that cannot be decoded, stops the pieces and is the verdict,
 * as before. An archive the watch cannot follow is restored whole once it has arrived.
 */
final class StreamedRestore {

    /**
     * What a streamed restore came to.
     *
     * @param unreadable why the artifact cannot be restored (its checksum, its decoding), the verdict
     * @param run        what pg_restore reported, all pieces together
     * @param fetchNanos how long the download and decoding took, from the start
     */
    record Result(Optional<String> unreadable, RestoreProgram.Run run, long fetchNanos, int pieces) {
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

    Result run(ArtifactStored stored, Destination destination, PostgresClients.Program program, ArtifactFetch.WorkFiles files, long room,
            Cancellation cancellation) throws IOException, SQLException, InterruptedException {
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
        try (ExecutorService pieces = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                List<ArchiveWatch.Entry> toc = watch.awaitToc();
                if (toc == null) {
                    // Nothing to follow: restore the whole file once it is there, as pg_restore always could.
                    Optional<String> unreadable = outcome(download);
                    if (unreadable.isPresent()) {
                        return new Result(unreadable, null, fetched[0], 0);
                    }
                    destination.prepare();
                    RestoreProgram.Run whole = programs.piece(program, stored, files, destination.server(), destination.database(),
                            List.of("--jobs=" + programs.jobs()), stop);
                    return new Result(Optional.empty(), whole, fetched[0], 1);
                }
                destination.prepare();
                List<String> errors = new ArrayList<>();
                int[] count = {1};
                errors(programs.piece(program, stored, files, destination.server(), destination.database(), List.of("--section=pre-data"), stop),
                        errors);
                Set<Integer> data = toc.stream().filter(e -> e.section() == ArchiveWatch.SECTION_DATA).map(ArchiveWatch.Entry::dumpId)
                        .collect(Collectors.toCollection(LinkedHashSet::new));
                Set<Integer> launched = new HashSet<>();
                List<Future<RestoreProgram.Run>> running = new ArrayList<>();
                Optional<String> unreadable = null;
                while (true) {
                    for (var it = running.iterator(); it.hasNext(); ) {
                        Future<RestoreProgram.Run> piece = it.next();
                        if (piece.isDone()) {
                            errors(piece(piece), errors);
                            it.remove();
                        }
                    }
                    if (unreadable == null && download.isDone()) {
                        unreadable = outcome(download);
                        if (unreadable.isPresent()) {
                            return new Result(unreadable, null, fetched[0], count[0]);
                        }
                    }
                    int free = programs.jobs() - running.size();
                    List<List<Integer>> batches = new ArrayList<>();
                    if (free > 0) {
                        List<Integer> ready = new ArrayList<>(watch.takeReady());
                        ready.removeIf(id -> !data.contains(id) || launched.contains(id));
                        if (!ready.isEmpty()) {
                            batches.add(ready);
                        } else if (unreadable != null) {
                            // The file is whole: what is left (entries without a block, blocks not followed) in the free pieces.
                            List<Integer> rest = data.stream().filter(id -> !launched.contains(id)).toList();
                            if (rest.isEmpty() && running.isEmpty()) {
                                break;
                            }
                            for (int p = 0; p < free && !rest.isEmpty(); p++) {
                                List<Integer> share = new ArrayList<>();
                                for (int i = p; i < rest.size(); i += free) {
                                    share.add(rest.get(i));
                                }
                                if (!share.isEmpty()) {
                                    batches.add(share);
                                }
                            }
                        }
                    }
                    for (List<Integer> batch : batches) {
                        launched.addAll(batch);
                        Path list = files.directory.resolve("data-" + count[0]++ + ".list");
                        Files.writeString(list, batch.stream().map(id -> id + "\n").collect(Collectors.joining()));
                        running.add(pieces.submit(() -> {
                            try {
                                return programs.piece(program, stored, files, destination.server(), destination.database(),
                                        List.of("--section=data", "--use-list=" + list), stop);
                            } finally {
                                watch.poke();
                            }
                        }));
                    }
                    if (batches.isEmpty()) {
                        watch.await(100);
                    }
                }
                count[0]++;
                errors(programs.piece(program, stored, files, destination.server(), destination.database(),
                        List.of("--section=post-data", "--jobs=" + programs.jobs()), stop), errors);
                return new Result(Optional.empty(), new RestoreProgram.Run(null, errors.isEmpty() ? null : String.join("\n", errors)),
                        fetched[0], count[0]);
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
