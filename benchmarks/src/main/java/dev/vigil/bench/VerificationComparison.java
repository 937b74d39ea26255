package dev.vigil.bench;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.FreePorts;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.PostgresBinaries;
import dev.vigil.pgclients.CatalogFingerprint;
import dev.vigil.pgclients.RowCounts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 5's benchmark, in one run on the generated benchmark database (at least 1 GB) and the dump
 * worker's artifact of it: the verifier service itself (its executable jar, against a real broker,
 * S3 endpoint and PostgreSQL) verifying the stored artifact, from {@code ArtifactStored} published to
 * {@code BackupVerified} received (download, SHA-256, decode, {@code pg_restore --jobs 2} into a
 * scratch database, exact counts, catalog comparison, drop), against a bare {@code pg_restore --jobs 2}
 * of the same dump (decoded to the file pg_restore reads) into a fresh database plus one
 * {@code count(*)} per table. Prints both times and their ratio. See benchmarks/README.md.
 */
public final class VerificationComparison {

    private static final String BUCKET = "bench";
    private static final String KEY = "bench/worker.dump.zst";

    private VerificationComparison() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of("target/bench").toAbsolutePath();
        Path artifact = work.resolve("worker.dump.zst");
        Path bin = PostgresBinaries.binDir();
        try (LocalPostgres postgres = LocalPostgres.start(work.resolve("pg"), FreePorts.next())) {
            postgres.createDatabase("bench");
            long size = BenchDatabase.ensure(postgres, true);
            if (!Files.exists(artifact) || Files.getLastModifiedTime(artifact).toMillis() < BenchDatabase.generatedAt()) {
                System.out.println("dumping the database with the dump worker's dump stage...");
                BenchDatabase.workerDump(postgres, artifact, null);
            }
            System.out.printf("database: %.2f GB (pg_database_size), artifact %.1f MB (zstd), PostgreSQL binaries %s, %d cores%n%n",
                    size / 1e9, Files.size(artifact) / 1e6, bin, Runtime.getRuntime().availableProcessors());
            Path dump = work.resolve("verify-bare.dump");
            BenchDatabase.run(List.of("bash", "-o", "pipefail", "-c", "zstd -d -q -f -o " + dump + " " + artifact));

            List<TableRowCount> expected = new ArrayList<>();
            Catalog catalog;
            String serverVersion;
            try (var connection = postgres.connect("bench")) {
                RowCounts.exact(connection).forEach(t -> expected.add(new TableRowCount(t.schema(), t.table(), t.rows())));
                catalog = new Catalog(CatalogFingerprint.take(connection, schema -> true, true, true), true, true);
                try (ResultSet rs = connection.createStatement().executeQuery("show server_version")) {
                    rs.next();
                    serverVersion = rs.getString(1).split(" ")[0];
                }
            }

            String connection = " -h " + postgres.host() + " -p " + postgres.port() + " -U " + LocalPostgres.SUPERUSER;
            StringBuilder counts = new StringBuilder();
            expected.forEach(t -> counts.append("select count(*) from ").append(RowCounts.quote(t.schema())).append('.')
                    .append(RowCounts.quote(t.table())).append(";\n"));
            Files.writeString(work.resolve("verify-bare-counts.sql"), counts);
            // Each step timed by bash, in milliseconds, one line each: createdb, pg_restore, the counts, dropdb.
            String bareCommand = String.join("; ",
                    "set -e", "t() { local s=$(date +%s%N); \"$@\"; echo $(( ($(date +%s%N) - s) / 1000000 )); }",
                    "t " + bin.resolve("createdb") + connection + " bench_bare",
                    "t " + bin.resolve("pg_restore") + " --no-owner --no-privileges --no-tablespaces --jobs=2" + connection + " -d bench_bare " + dump,
                    "t " + bin.resolve("psql") + " -X -q -A -t -o /dev/null" + connection + " -d bench_bare -f " + work.resolve("verify-bare-counts.sql"),
                    "t " + bin.resolve("dropdb") + connection + " bench_bare");
            String sha256;
            try (InputStream in = new DigestInputStream(Files.newInputStream(artifact), MessageDigest.getInstance("SHA-256"))) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                sha256 = Sha256.hex(((DigestInputStream) in).getMessageDigest());
            }
            Artifact described = new Artifact("custom", Files.size(artifact), sha256, serverVersion, serverVersion, expected, "zstd", null, catalog);
            int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
            List<Double> bare = new ArrayList<>();
            List<Verified> verified = new ArrayList<>();
            try (VerifierProcess verifier = VerifierProcess.start(postgres, work, artifact)) {
                // A verifier runs for weeks: its first verification after start-up also compiles the decoding path, so one untimed
                // verification comes first and the rounds measure the service as it runs.
                System.out.println("warm-up: one verification, not timed...");
                verifier.verify(described);
                for (int round = 1; round <= rounds; round++) {
                    // Each timed run starts from a checkpoint, so none pays for the WAL the one before it wrote.
                    postgres.execute("postgres", "checkpoint");
                    // Decoded afresh (not timed) right before the restore, as the verifier decodes it: both restore from a file just
                    // written, after the same checkpoint.
                    BenchDatabase.run(List.of("bash", "-o", "pipefail", "-c", "zstd -d -q -f -o " + dump + " " + artifact));
                    System.out.printf("round %d: bare pg_restore --jobs 2 + count(*) per table...%n", round);
                    long bareStarted = System.nanoTime();
                    List<String> steps = BenchDatabase.run(List.of("bash", "-o", "pipefail", "-c", bareCommand)).strip().lines().toList();
                    bare.add((System.nanoTime() - bareStarted) / 1e9);
                    System.out.printf("  createdb %s ms, pg_restore %s ms, counts %s ms, dropdb %s ms%n", steps.get(0), steps.get(1), steps.get(2),
                            steps.get(3));
                    postgres.execute("postgres", "checkpoint");
                    System.out.printf("round %d: the verifier service's verification...%n", round);
                    Verified one = verifier.verify(described);
                    if (one.event().verdict() != Verdict.PASSED) {
                        throw new IllegalStateException("the verification did not pass: " + one.event());
                    }
                    verified.add(one);
                    System.out.printf("  restoreMillis %d ms (the verifier's log says how they split)%n", one.event().restoreMillis());
                }
            }
            Files.delete(dump);
            double bestBare = bare.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            Verified best = verified.stream().min(java.util.Comparator.comparingDouble(Verified::seconds)).orElseThrow();
            double ratio = best.seconds() / bestBare;
            System.out.println();
            System.out.printf("%-62s %10s   %s%n", "", "best s", "each round");
            System.out.printf("%-62s %10.1f   %s%n", "bare pg_restore --jobs 2 + count(*) per table", bestBare, rounds(bare));
            System.out.printf("%-62s %10.1f   %s%n", "verifier: ArtifactStored -> BackupVerified (PASSED, " + expected.size() + " tables)",
                    best.seconds(), rounds(verified.stream().map(Verified::seconds).toList()));
            System.out.printf("%-62s %10.1f%n", "  of which restoreMillis (download, decode, pg_restore)", best.event().restoreMillis() / 1000.0);
            System.out.println();
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                ratios.add(verified.get(i).seconds() / bare.get(i));
            }
            double median = ratios.stream().sorted().toList().get(rounds / 2);
            System.out.printf("verifier / bare, each round: %s%n", ratios.stream().map(r -> String.format(java.util.Locale.ROOT, "%.2fx", r)).toList());
            System.out.printf("verifier / bare, best against best:  %.2fx%n", ratio);
            System.out.printf("verifier / bare, median round:       %.2fx  (target <= 1.15x) %s%n", median, median <= 1.15 ? "MET" : "MISSED");
        }
    }

    private static String rounds(List<Double> seconds) {
        return seconds.stream().map(s -> String.format(java.util.Locale.ROOT, "%.1f", s)).toList().toString();
    }

    private record Verified(BackupVerified event, double seconds) {
    }

    /** The verifier service from its executable jar, against a broker and an S3 endpoint of its own holding the artifact. */
    private static final class VerifierProcess implements AutoCloseable {

        private final LocalKafka kafka;
        private final LocalS3 s3;
        private final Process process;

        private VerifierProcess(LocalKafka kafka, LocalS3 s3, Process process) {
            this.kafka = kafka;
            this.s3 = s3;
            this.process = process;
        }

        static VerifierProcess start(LocalPostgres postgres, Path work, Path artifact) throws Exception {
            Path jar;
            try (Stream<Path> files = Files.list(Path.of("..", "verifier-service", "target"))) {
                jar = files.filter(f -> f.getFileName().toString().matches("verifier-service-.*-exec\\.jar")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("build the verifier first: ./mvnw -DskipTests install -pl verifier-service -am"));
            }
            postgres.execute("postgres", "drop database if exists vigil_bench with (force)");
            postgres.createDatabase("vigil_bench");
            Path log = work.resolve("verifier.log");
            Files.createDirectories(work.resolve("s3"));
            LocalKafka kafka = LocalKafka.start();
            LocalS3 s3 = LocalS3.start(work.resolve("s3"), FreePorts.next());
            S3Client client = s3.client();
            try {
                client.createBucket(b -> b.bucket(BUCKET));
            } catch (software.amazon.awssdk.services.s3.model.S3Exception exists) {
                // from an earlier run
            }
            client.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromFile(artifact));
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                    "-jar", jar.toString(), "--server.port=0", "--spring.main.banner-mode=off",
                    "--spring.datasource.url=" + postgres.jdbcUrl("vigil_bench"), "--spring.datasource.username=" + LocalPostgres.SUPERUSER,
                    "--vigil.verifier.endpoint=" + s3.endpoint(), "--vigil.verifier.scratch.host=" + postgres.host(),
                    "--vigil.verifier.scratch.port=" + postgres.port(), "--vigil.verifier.scratch.username=" + postgres.verifierRole().role(),
                    "--vigil.verifier.work-dir=" + work.resolve("verify"), "--vigil.verifier.instance-id=bench")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY);
            builder.environment().put("AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY);
            builder.environment().put("VIGIL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            builder.environment().put("VIGIL_KAFKA_PASSWORD", kafka.password("verifier-service"));
            VerifierProcess verifier = new VerifierProcess(kafka, s3, builder.start());
            awaitLog(log, "Started VerifierApplication", Duration.ofSeconds(180));
            // A backup whose object is missing fails at once: once its failure is back, the verifier consumes and answers.
            JobId probeJob = JobId.random();
            try (KafkaProbe probe = new KafkaProbe(kafka.bootstrapServers(), Topics.BACKUP_FAILED)) {
                KafkaProbe.send(kafka.bootstrapServers(), Topics.ARTIFACT_STORED, "bench", EventJson.writeString(ArtifactStored.now(probeJob,
                        new TargetId("bench"), new StoredObject("primary", BUCKET, "bench/missing"), new Artifact("custom", 1, "0", "15", "15",
                        List.of()))));
                probe.await(r -> r.value().contains(probeJob.toString()), Duration.ofMinutes(3));
            }
            return verifier;
        }

        /** Announces the stored artifact and times it until its verdict is back. */
        Verified verify(Artifact described) {
            JobId jobId = JobId.random();
            ArtifactStored stored = ArtifactStored.now(jobId, new TargetId("bench"), new StoredObject("primary", BUCKET, KEY), described);
            // A plain consumer in long polls (a poll returns as soon as a record arrives), so that waiting costs the machine nothing.
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(withGroup(kafka.clientProperties(LocalKafka.ADMIN),
                    "bench-" + jobId), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(Topics.BACKUP_VERIFIED, Topics.BACKUP_FAILED));
                while (consumer.assignment().isEmpty()) {
                    consumer.poll(Duration.ofMillis(100));
                }
                consumer.seekToEnd(consumer.assignment());
                consumer.assignment().forEach(consumer::position);
                long started = System.nanoTime();
                KafkaProbe.send(kafka.bootstrapServers(), Topics.ARTIFACT_STORED, "bench", EventJson.writeString(stored));
                long deadline = started + Duration.ofMinutes(20).toNanos();
                while (System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(10))) {
                        if (record.value().contains(jobId.toString())) {
                            double seconds = (System.nanoTime() - started) / 1e9;
                            if (!record.topic().equals(Topics.BACKUP_VERIFIED)) {
                                throw new IllegalStateException("the verification could not run: " + record.value());
                            }
                            return new Verified(EventJson.read(record.value().getBytes(), BackupVerified.class), seconds);
                        }
                    }
                }
                throw new IllegalStateException("no verdict within 20 minutes");
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor();
            s3.close();
            kafka.close();
        }
    }

    private static void awaitLog(Path log, String line, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the verifier did not start within " + timeout + "; see " + log);
    }

    private static Map<String, Object> withGroup(Map<String, Object> client, String group) {
        Map<String, Object> settings = new java.util.HashMap<>(client);
        settings.put("group.id", group);
        settings.put("auto.offset.reset", "latest");
        return settings;
    }
}
