package dev.vigil.worker.dump;

import dev.vigil.messaging.Cancellation;
import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.Compression;
import dev.vigil.codec.Keyring;
import dev.vigil.codec.WarmUp;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.pgclients.PostgresClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The worker's dump stage alone, for the benchmark in {@code benchmarks/}: the same snapshot,
 * row counts and catalog beside pg_dump ({@link SnapshotDump}), compression and encryption code the
 * service runs, without Kafka or Spring, so its time and memory can be measured in a process of its own. Prints one line of JSON per round.
 *
 * <p>Arguments: host port database user output-file [compression level workers [keyId:base64key]].
 * System property {@code rounds} (default 1): dumps that many times in this one JVM, each timed on
 * its own, so the first round after start-up can be compared with the next ones. System property
 * {@code warm-up}: {@code background} starts the codec's {@link WarmUp} as the service does at
 * start-up and dumps at once; {@code wait} lets it finish first; absent or {@code none}, no warm-up.
 */
public final class DumpStageBenchmark {

    private DumpStageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: host port database user output-file [compression level workers [keyId:base64key]]");
        }
        Connection target = new Connection(args[0], Integer.parseInt(args[1]), args[2], args[3], null, null);
        Compression compression = Compression.of(args.length > 5 ? args[5] : "zstd");
        int level = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        int workers = args.length > 7 ? Integer.parseInt(args[7]) : 2;
        ArtifactCodec.EncryptionKey key = null;
        if (args.length > 8) {
            String id = args[8].substring(0, args[8].indexOf(':'));
            key = new ArtifactCodec.EncryptionKey(id, Keyring.parse(args[8]).key(id).orElseThrow());
        }
        PostgresClients pgDumps = PostgresClients.find("pg_dump", Path.of("/usr/lib/postgresql"), null);
        String warmUp = System.getProperty("warm-up", "none");
        if (!warmUp.equals("none")) {
            CompletableFuture<WarmUp.Report> warming = WarmUp.inBackground(WarmUp.DEFAULT_MEGABYTES, compression, level, workers);
            if (warmUp.equals("wait")) {
                System.out.printf("{\"warmUpSeconds\": %.3f}%n", warming.get().took().toMillis() / 1e3);
            }
        }
        int rounds = Integer.getInteger("rounds", 1);
        for (int round = 1; round <= rounds; round++) {
            long started = System.nanoTime();
            try (SourceSnapshot snapshot = SourceSnapshot.open(target, Optional.empty(), Duration.ofSeconds(10), Duration.ofMinutes(30))) {
                PostgresClients.Program pgDump = pgDumps.forServer(snapshot.serverMajor()).orElseThrow();
                Path file = Path.of(args[4]);
                PgDumpProcess.Wrapping wrapping = new PgDumpProcess.Wrapping(compression, level, workers, key);
                java.io.OutputStream sink = java.nio.file.Files.newOutputStream(file);
                SnapshotDump.Result dumped = SnapshotDump.run(snapshot, target, DumpOptions.defaults(), new Cancellation(),
                        stop -> PgDumpProcess.run(pgDump.executable(), target, Optional.empty(), snapshot.snapshotId(), sink,
                                file.toAbsolutePath().getParent(), "benchmark", 10, DumpOptions.defaults(), wrapping, new DumpProgress(), stop));
                PgDumpProcess.Output output = dumped.output();
                List<TableRowCount> counts = dumped.counts();
                double seconds = (System.nanoTime() - started) / 1e9;
                long rows = counts.stream().mapToLong(TableRowCount::rows).sum();
                System.out.printf("{\"round\": %d, \"seconds\": %.3f, \"bytes\": %d, \"sha256\": \"%s\", \"tables\": %d, \"rows\": %d}%n",
                        round, seconds, output.sizeBytes(), output.sha256(), counts.size(), rows);
            }
        }
    }
}
