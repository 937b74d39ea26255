package dev.vigil.verifier.verify;

import dev.vigil.contracts.Sha256;
import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.ArtifactDamagedException;
import dev.vigil.codec.Compression;
import dev.vigil.codec.DirectoryArchive;
import dev.vigil.codec.Keyring;
import dev.vigil.codec.UnknownKeyException;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.SqlCheck;
import dev.vigil.contracts.TargetId;
import dev.vigil.messaging.Cancellation;
import java.util.function.Function;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.pgclients.CatalogFingerprint;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.verifier.VerifierProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Verifies one stored backup: downloads it, checks its SHA-256, restores it with pg_restore into a
 * fresh scratch database, compares per-table row counts with those taken in the dump's snapshot,
 * drops the scratch database, and records and announces the verdict in one transaction. A job
 * already verified is announced again, unchanged.
 */
public class VerificationService {

    private static final Logger log = LoggerFactory.getLogger(VerificationService.class);

    private final S3Client s3;
    private final VerifierProperties properties;
    private final PostgresClients pgRestores;
    private final PostgresClients psqls;
    private final Keyring keyring;
    private final String instance;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Outbox outbox;
    private final Function<TargetId, List<SqlCheck>> checks;

    /**
     * @param checks a target's own checks, run against each of its restored backups
     */
    public VerificationService(S3Client s3, VerifierProperties properties, JdbcClient jdbc, TransactionTemplate transactions, Outbox outbox,
            Function<TargetId, List<SqlCheck>> checks) {
        this.checks = checks;
        this.s3 = s3;
        this.properties = properties;
        this.pgRestores = PostgresClients.find("pg_restore", properties.pgBinRoot(), properties.pgBinDir());
        this.psqls = PostgresClients.find("psql", properties.pgBinRoot(), properties.pgBinDir());
        this.keyring = Keyring.parse(properties.encryptionKeys());
        this.instance = ScratchDatabase.instance(properties.instanceId() != null ? properties.instanceId() : hostName());
        // Before the bindings start: nothing of this instance can be restoring yet.
        try {
            List<String> dropped = ScratchDatabase.dropLeftovers(properties.scratch(), instance);
            if (!dropped.isEmpty()) {
                log.warn("dropped {} scratch database(s) an earlier run of this verifier left behind: {}", dropped.size(), dropped);
            }
        } catch (SQLException e) {
            log.warn("could not look for leftover scratch databases on {}: {}", properties.scratch(), e.getMessage());
        }
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.outbox = outbox;
    }

    /**
     * Verifies the stored backup and announces the verdict. Cancelled (its record now belongs to
     * another instance, or this one stops), it stops the download or the restore, drops its scratch
     * database, announces nothing and throws {@link java.util.concurrent.CancellationException}.
     */
    public void handle(ArtifactStored stored, Cancellation cancellation) throws InterruptedException {
        Optional<String> already = jdbc.sql("select event::text from verifications where job_id = ?")
                .param(stored.jobId().value()).query(String.class).optional();
        if (already.isPresent()) {
            log.info("job {} target {} already verified; announcing it again", stored.jobId(), stored.targetId());
            transactions.executeWithoutResult(s -> outbox.append(EventJson.mapper().readValue(already.get(), BackupVerified.class)));
            return;
        }
        int sourceMajor = Integer.parseInt(stored.artifact().serverVersion().split("\\.")[0]);
        // A custom archive is restored by pg_restore, plain SQL replayed by psql.
        PostgresClients restorers = "plain".equals(stored.artifact().format()) ? psqls : pgRestores;
        Optional<PostgresClients.Program> pgRestore = restorers.forServer(sourceMajor);
        if (pgRestore.isEmpty()) {
            fail(stored, restorers.noneFits(sourceMajor, stored.artifact().serverVersion()));
            return;
        }
        Path artifact = properties.workDir().resolve(stored.jobId() + "." + stored.artifact().fileExtension());
        Path restorable = properties.workDir().resolve(stored.jobId() + ".restore.dump");
        try {
            Files.createDirectories(properties.workDir());
            // The download, and what pg_restore reads beside it when the artifact must be decoded first (compressed, several times larger).
            long needed = stored.artifact().sizeBytes() * (!decodedForParallelRestore(stored) ? 1
                    : stored.artifact().compression() == null || "none".equals(stored.artifact().compression()) ? 2 : 6);
            List<String> noRoom = EnvironmentProblems.diskSpace(properties.workDir(), Files.getFileStore(properties.workDir()).getUsableSpace(),
                    needed, properties.keepFree().toBytes());
            if (!noRoom.isEmpty()) {
                announce(stored, BackupVerified.now(stored.jobId(), stored.targetId(), Verdict.INCONCLUSIVE, List.of(), List.of(), 0, noRoom));
                return;
            }
            log.info("verification started: job {} target {}", stored.jobId(), stored.targetId());
            List<String> differences = new ArrayList<>();
            RowCountComparison.Result comparison = new RowCountComparison.Result(List.of(), List.of());
            long restoreMillis = 0;
            long decodeNanos = 0;
            String sha256 = download(stored, artifact, cancellation);
            if (!sha256.equals(stored.artifact().sha256())) {
                differences.add("artifact checksum mismatch: the stored object's SHA-256 is " + sha256
                        + " but the dump worker wrote " + stored.artifact().sha256() + "; the stored backup is damaged");
            } else {
                long decodeStarted = System.nanoTime();
                if ("directory".equals(stored.artifact().format())) {
                    unpackDirectory(stored, artifact, restorable).ifPresent(differences::add);
                } else if (decodedForParallelRestore(stored)) {
                    decodeToFile(stored, artifact, restorable).ifPresent(differences::add);
                }
                decodeNanos = System.nanoTime() - decodeStarted;
            }
            List<String> environment = new ArrayList<>();
            List<CheckResult> checkResults = new ArrayList<>();
            int serverMajor = ScratchDatabase.serverMajor(properties.scratch());
            if (differences.isEmpty()) {
                environment.addAll(EnvironmentProblems.serverVersion(serverMajor, sourceMajor));
            }
            if (differences.isEmpty() && environment.isEmpty()) {
                try (ScratchDatabase scratch = ScratchDatabase.create(properties.scratch(), instance, stored.jobId())) {
                    long started = System.nanoTime();
                    Restored restored = restore(pgRestore.get().executable(), stored, artifact, restorable, scratch.name(), cancellation);
                    // The measured recovery time: decoding and restoring.
                    restoreMillis = (System.nanoTime() - started + decodeNanos) / 1_000_000;
                    if (restored.restoreErrors() != null) {
                        environment.addAll(EnvironmentProblems.in(restored.restoreErrors(), serverMajor));
                    }
                    if (restored.decodeProblem() != null) {
                        // What a half-read artifact restored says nothing more: the artifact is the finding.
                        differences.add(restored.decodeProblem());
                    } else if (environment.isEmpty()) {
                        if (restored.restoreErrors() != null) {
                            differences.add("pg_restore reported errors: " + restored.restoreErrors());
                        }
                        comparison = RowCountComparison.compare(stored.artifact().tables(), scratch.countRows());
                        differences.addAll(comparison.differences());
                        Catalog catalog = stored.artifact().catalog();
                        if (catalog != null) {
                            differences.addAll(CatalogFingerprint.differences(catalog.objects(),
                                    scratch.catalog(catalog.withData(), catalog.wholeDatabase())));
                        }
                        for (SqlCheck check : checks.apply(stored.targetId())) {
                            CheckResult result = scratch.check(check, properties.checkTimeout());
                            checkResults.add(result);
                            if (!result.passed()) {
                                differences.add("check '" + check.name() + "' failed: " + result.detail());
                            }
                        }
                    }
                }
            }
            cancellation.check();
            // A damaged artifact is a bad backup whatever the server lacks; otherwise what the server lacks leaves the backup unjudged.
            Verdict verdict = !differences.isEmpty() ? Verdict.FAILED : !environment.isEmpty() ? Verdict.INCONCLUSIVE : Verdict.PASSED;
            BackupVerified verified = BackupVerified.now(stored.jobId(), stored.targetId(), verdict, differences, comparison.tables(), restoreMillis,
                    verdict == Verdict.INCONCLUSIVE ? environment : List.of(), checkResults);
            announce(stored, verified);
            log.info("verification finished: job {} target {}: {} ({} tables, restore {} ms){}{}", stored.jobId(), stored.targetId(),
                    verdict, comparison.tables().size(), restoreMillis, differences.isEmpty() ? "" : " " + differences,
                    verified.environmentProblemList().isEmpty() ? "" : " environment: " + verified.environmentProblemList());
        } catch (SdkException | IOException e) {
            cancellation.check();
            fail(stored, "could not read the stored backup " + stored.location().bucket() + "/" + stored.location().key() + ": " + e.getMessage());
        } catch (SQLException e) {
            cancellation.check();
            fail(stored, "the scratch server " + properties.scratch().host() + ":" + properties.scratch().port()
                    + " refused the verification: " + e.getMessage() + "; check vigil.verifier.scratch settings");
        } finally {
            try {
                Files.deleteIfExists(artifact);
                if (Files.isDirectory(restorable)) {
                    DirectoryArchive.delete(restorable);
                } else {
                    Files.deleteIfExists(restorable);
                }
            } catch (IOException ignored) {
                // the work directory is scratch space
            }
        }
    }

    /** Records the verdict and announces it, in one transaction. */
    private void announce(ArtifactStored stored, BackupVerified verified) {
        transactions.executeWithoutResult(s -> {
            jdbc.sql("insert into verifications (job_id, target_id, verdict, restore_millis, event) values (?, ?, ?, ?, cast(? as jsonb))")
                    .params(stored.jobId().value(), stored.targetId().value(), verified.verdict().name(), verified.restoreMillis(),
                            EventJson.writeString(verified))
                    .update();
            outbox.append(verified);
        });
        if (verified.verdict() == Verdict.INCONCLUSIVE) {
            log.warn("verification inconclusive: job {} target {}: {}", stored.jobId(), stored.targetId(), verified.environmentProblemList());
        }
    }

    /**
     * A custom-format artifact that is compressed or encrypted is decoded to a file first: pg_restore
     * restores in parallel ({@code --jobs}) only from a file it can seek in, which takes about two
     * thirds of the time of one job reading standard input. A plain custom artifact is that file already.
     */
    private static boolean decodedForParallelRestore(ArtifactStored stored) {
        return "custom".equals(stored.artifact().format()) && (stored.artifact().encryptionKeyId() != null
                || stored.artifact().compression() != null && !"none".equals(stored.artifact().compression()));
    }

    /** Decodes a custom-format artifact into {@code restorable}; answers why that failed, which fails the verification. */
    private Optional<String> decodeToFile(ArtifactStored stored, Path artifact, Path restorable) {
        try (InputStream in = ArtifactCodec.decoder(Files.newInputStream(artifact), Compression.of(stored.artifact().compression()),
                stored.artifact().encryptionKeyId(), keyring); OutputStream out = Files.newOutputStream(restorable)) {
            in.transferTo(out);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(describe(stored, e));
        }
    }

    /** Unpacks a directory-format artifact for pg_restore --jobs; answers why that failed, which fails the verification. */
    private Optional<String> unpackDirectory(ArtifactStored stored, Path artifact, Path restorable) {
        try (InputStream in = ArtifactCodec.decoder(Files.newInputStream(artifact), Compression.of(stored.artifact().compression()),
                stored.artifact().encryptionKeyId(), keyring)) {
            DirectoryArchive.extract(in, restorable);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(describe(stored, e));
        }
    }

    private String download(ArtifactStored stored, Path target, Cancellation cancellation) throws IOException {
        MessageDigest digest = Sha256.digest();
        var object = s3.getObject(b -> b.bucket(stored.location().bucket()).key(stored.location().key()));
        cancellation.onCancel(object::abort);
        try (InputStream in = new DigestInputStream(object, digest);
                OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
        return Sha256.hex(digest);
    }
    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "verifier";
        }
    }

    /** What a restore came to: a problem reading the artifact itself, or what pg_restore/psql reported; both null when it succeeded. */
    private record Restored(String decodeProblem, String restoreErrors) {
    }

    /**
     * Restores into {@code database}. Custom and directory formats are restored in parallel by
     * pg_restore --jobs from a file or directory: {@code restorable} (decoded or unpacked before) or,
     * for a custom artifact neither compressed nor encrypted, the download itself. Plain SQL is
     * decoded (decrypted, decompressed) straight into psql's standard input.
     */
    private Restored restore(Path program, ArtifactStored stored, Path artifact, Path restorable, String database, Cancellation cancellation)
            throws IOException, InterruptedException {
        String format = stored.artifact().format();
        VerifierProperties.Scratch scratch = properties.scratch();
        List<String> connection = List.of("--no-password", "--host=" + scratch.host(), "--port=" + scratch.port(),
                "--username=" + scratch.username(), "--dbname=" + database);
        List<String> command = new ArrayList<>(List.of(program.toString()));
        if ("plain".equals(format)) {
            command.addAll(List.of("-X", "-q", "-v", "ON_ERROR_STOP=1"));
            command.addAll(connection);
        } else {
            // Owners, grants and tablespaces belong to the source's server, not to what the backup holds.
            command.addAll(List.of("--no-owner", "--no-privileges", "--no-tablespaces", "--jobs=" + Math.max(1, properties.restoreJobs())));
            command.addAll(connection);
            command.add(("directory".equals(format) || decodedForParallelRestore(stored) ? restorable : artifact).toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("PGPASSWORD");
        if (!scratch.password().isEmpty()) {
            builder.environment().put("PGPASSWORD", scratch.password());
        }
        Process process = builder.start();
        cancellation.onCancel(process::destroyForcibly);
        AtomicReference<String> decodeProblem = new AtomicReference<>();
        Thread feeder;
        if (!"plain".equals(format)) {
            process.getOutputStream().close();
            feeder = null;
        } else {
            feeder = Thread.ofVirtual().start(() -> feed(stored, artifact, process.getOutputStream(), decodeProblem));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = process.waitFor();
        if (feeder != null) {
            feeder.join();
        }
        if (decodeProblem.get() != null) {
            return new Restored(decodeProblem.get(), null);
        }
        if (exit == 0) {
            return new Restored(null, null);
        }
        return new Restored(null, output.length() > 1500 ? "..." + output.substring(output.length() - 1500) : output);
    }

    /**
     * Decodes the artifact into the restore program's input. A failure to read the artifact is the
     * verdict; a failure to write means the program stopped reading, and its own output says why.
     */
    private void feed(ArtifactStored stored, Path artifact, OutputStream stdin, AtomicReference<String> decodeProblem) {
        try (stdin) {
            InputStream in;
            try {
                in = ArtifactCodec.decoder(Files.newInputStream(artifact), Compression.of(stored.artifact().compression()),
                        stored.artifact().encryptionKeyId(), keyring);
            } catch (IOException e) {
                decodeProblem.set(describe(stored, e));
                return;
            }
            try (in) {
                byte[] buffer = new byte[64 * 1024];
                while (true) {
                    int read;
                    try {
                        read = in.read(buffer);
                    } catch (IOException e) {
                        decodeProblem.set(describe(stored, e));
                        return;
                    }
                    if (read < 0) {
                        return;
                    }
                    stdin.write(buffer, 0, read);
                }
            }
        } catch (IOException stoppedReading) {
            // the restore program exited early; its output is the reason
        }
    }

    /** Why an artifact could not be read: a key not held, damage, or a broken compression stream. */
    private static String describe(ArtifactStored stored, IOException e) {
        if (e instanceof UnknownKeyException) {
            return "cannot decrypt: " + e.getMessage();
        }
        if (e instanceof ArtifactDamagedException) {
            return "the stored backup is damaged: " + e.getMessage();
        }
        return "the stored backup could not be decompressed (" + stored.artifact().compression() + "): " + e.getMessage();
    }

    private void fail(ArtifactStored stored, String reason) {
        log.warn("verification could not run: job {} target {}: {}", stored.jobId(), stored.targetId(), reason);
        transactions.executeWithoutResult(s -> outbox.append(BackupFailed.now(stored.jobId(), stored.targetId(), Stage.VERIFY,
                FailureClass.RESTORE, reason)));
    }
}
