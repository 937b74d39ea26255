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
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.pgclients.CatalogFingerprint;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.verifier.VerifierProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    public VerificationService(S3Client s3, VerifierProperties properties, JdbcClient jdbc, TransactionTemplate transactions, Outbox outbox) {
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

    public void handle(ArtifactStored stored) throws InterruptedException {
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
            log.info("verification started: job {} target {}", stored.jobId(), stored.targetId());
            List<String> differences = new ArrayList<>();
            RowCountComparison.Result comparison = new RowCountComparison.Result(List.of(), List.of());
            long restoreMillis = 0;
            String sha256 = download(stored, artifact);
            if (!sha256.equals(stored.artifact().sha256())) {
                differences.add("artifact checksum mismatch: the stored object's SHA-256 is " + sha256
                        + " but the dump worker wrote " + stored.artifact().sha256() + "; the stored backup is damaged");
            } else {
                decode(stored, artifact, restorable).ifPresent(differences::add);
            }
            if (differences.isEmpty()) {
                try (ScratchDatabase scratch = ScratchDatabase.create(properties.scratch(), instance, stored.jobId())) {
                    long started = System.nanoTime();
                    String restoreErrors = restore(pgRestore.get().executable(), stored.artifact().format(), restorable, scratch.name());
                    restoreMillis = (System.nanoTime() - started) / 1_000_000;
                    if (restoreErrors != null) {
                        differences.add("pg_restore reported errors: " + restoreErrors);
                    }
                    comparison = RowCountComparison.compare(stored.artifact().tables(), scratch.countRows());
                    differences.addAll(comparison.differences());
                    Catalog catalog = stored.artifact().catalog();
                    if (catalog != null) {
                        differences.addAll(CatalogFingerprint.differences(catalog.objects(),
                                scratch.catalog(catalog.withData(), catalog.wholeDatabase())));
                    }
                }
            }
            Verdict verdict = differences.isEmpty() ? Verdict.PASSED : Verdict.FAILED;
            BackupVerified verified = BackupVerified.now(stored.jobId(), stored.targetId(), verdict, differences, comparison.tables(), restoreMillis);
            transactions.executeWithoutResult(s -> {
                jdbc.sql("insert into verifications (job_id, target_id, verdict, restore_millis, event) values (?, ?, ?, ?, cast(? as jsonb))")
                        .params(stored.jobId().value(), stored.targetId().value(), verdict.name(), verified.restoreMillis(), EventJson.writeString(verified))
                        .update();
                outbox.append(verified);
            });
            log.info("verification finished: job {} target {}: {} ({} tables, restore {} ms){}", stored.jobId(), stored.targetId(),
                    verdict, comparison.tables().size(), restoreMillis, differences.isEmpty() ? "" : " " + differences);
        } catch (SdkException | IOException e) {
            fail(stored, "could not read the stored backup " + stored.location().bucket() + "/" + stored.location().key() + ": " + e.getMessage());
        } catch (SQLException e) {
            fail(stored, "the scratch server " + properties.scratch().host() + ":" + properties.scratch().port()
                    + " refused the verification: " + e.getMessage() + "; check vigil.verifier.scratch settings");
        } finally {
            try {
                Files.deleteIfExists(artifact);
                deleteRecursively(restorable);
            } catch (IOException ignored) {
                // the work directory is scratch space
            }
        }
    }

    /**
     * Decrypts and decompresses the downloaded artifact into a file pg_restore reads; answers why
     * that failed (a key not held, damage, a broken compression stream), which makes the backup fail
     * verification.
     */
    private Optional<String> decode(ArtifactStored stored, Path artifact, Path restorable) throws IOException {
        try (InputStream in = ArtifactCodec.decoder(Files.newInputStream(artifact), Compression.of(stored.artifact().compression()),
                stored.artifact().encryptionKeyId(), keyring)) {
            if ("directory".equals(stored.artifact().format())) {
                DirectoryArchive.extract(in, restorable);
            } else {
                Files.copy(in, restorable, StandardCopyOption.REPLACE_EXISTING);
            }
            return Optional.empty();
        } catch (UnknownKeyException e) {
            return Optional.of("cannot decrypt: " + e.getMessage());
        } catch (ArtifactDamagedException e) {
            return Optional.of("the stored backup is damaged: " + e.getMessage());
        } catch (IOException e) {
            if (!Files.isReadable(artifact)) {
                throw e;
            }
            return Optional.of("the stored backup could not be decompressed (" + stored.artifact().compression() + "): " + e.getMessage());
        }
    }

    private String download(ArtifactStored stored, Path target) throws IOException {
        MessageDigest digest = Sha256.digest();
        try (InputStream in = new DigestInputStream(s3.getObject(b -> b.bucket(stored.location().bucket()).key(stored.location().key())), digest);
                OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
        return Sha256.hex(digest);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (var files = Files.list(path)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(file);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "verifier";
        }
    }

    /** Runs pg_restore; answers null when it succeeded, else the tail of its error output. */
    private String restore(Path program, String format, Path artifact, String database) throws IOException, InterruptedException {
        VerifierProperties.Scratch scratch = properties.scratch();
        List<String> connection = List.of("--no-password", "--host=" + scratch.host(), "--port=" + scratch.port(),
                "--username=" + scratch.username(), "--dbname=" + database);
        List<String> command = new ArrayList<>(List.of(program.toString()));
        if ("plain".equals(format)) {
            command.addAll(List.of("-X", "-q", "-v", "ON_ERROR_STOP=1"));
            command.addAll(connection);
            command.addAll(List.of("-f", artifact.toString()));
        } else {
            command.addAll(List.of("--no-owner", "--no-privileges"));
            if ("directory".equals(format)) {
                command.add("--jobs=" + Math.max(1, properties.restoreJobs()));
            }
            command.addAll(connection);
            command.add(artifact.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("PGPASSWORD");
        if (!scratch.password().isEmpty()) {
            builder.environment().put("PGPASSWORD", scratch.password());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = process.waitFor();
        if (exit == 0) {
            return null;
        }
        return output.length() > 1500 ? "..." + output.substring(output.length() - 1500) : output;
    }

    private void fail(ArtifactStored stored, String reason) {
        log.warn("verification could not run: job {} target {}: {}", stored.jobId(), stored.targetId(), reason);
        transactions.executeWithoutResult(s -> outbox.append(BackupFailed.now(stored.jobId(), stored.targetId(), Stage.VERIFY,
                FailureClass.RESTORE, reason)));
    }
}
