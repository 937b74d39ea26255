package dev.vigil.verifier.verify;

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
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Verifies one stored backup: downloads it, checks its SHA-256, restores it with pg_restore into a
 * fresh scratch database, compares per-table row counts with those taken in the dump's snapshot,
 * drops the scratch database, and records and announces the verdict in one transaction. A job
 * already verified is announced again, unchanged.
 */
public class VerificationService {

    private static final Logger log = LoggerFactory.getLogger(VerificationService.class);

    private final ArtifactRestore artifacts;
    private final VerifierProperties properties;
    private final String instance;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Outbox outbox;
    private final Function<TargetId, List<SqlCheck>> checks;

    /**
     * @param checks a target's own checks, run against each of its restored backups
     */
    VerificationService(ArtifactRestore artifacts, VerifierProperties properties, JdbcClient jdbc, TransactionTemplate transactions, Outbox outbox,
            Function<TargetId, List<SqlCheck>> checks) {
        this.checks = checks;
        this.artifacts = artifacts;
        this.properties = properties;
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
        // Kept for restores on demand, which name a backup by its job id.
        jdbc.sql("insert into stored_backups (job_id, target_id, stored_at, event) values (?, ?, ?, cast(? as jsonb)) on conflict do nothing")
                .params(stored.jobId().value(), stored.targetId().value(), java.sql.Timestamp.from(stored.occurredAt()), EventJson.writeString(stored))
                .update();
        Optional<String> already = jdbc.sql("select event::text from verifications where job_id = ?")
                .param(stored.jobId().value()).query(String.class).optional();
        if (already.isPresent()) {
            log.info("job {} target {} already verified; announcing it again", stored.jobId(), stored.targetId());
            transactions.executeWithoutResult(s -> outbox.append(EventJson.mapper().readValue(already.get(), BackupVerified.class)));
            return;
        }
        int sourceMajor = Integer.parseInt(stored.artifact().serverVersion().split("\\.")[0]);
        // A custom archive is restored by pg_restore, plain SQL replayed by psql.
        PostgresClients restorers = artifacts.restorers(stored);
        Optional<PostgresClients.Program> pgRestore = restorers.forServer(sourceMajor);
        if (pgRestore.isEmpty()) {
            fail(stored, restorers.noneFits(sourceMajor, stored.artifact().serverVersion()));
            return;
        }
        try (ArtifactRestore.WorkFiles files = new ArtifactRestore.WorkFiles(properties.workDir(), stored.jobId().toString(), stored)) {
            Files.createDirectories(properties.workDir());
            List<String> noRoom = EnvironmentProblems.diskSpace(properties.workDir(), Files.getFileStore(properties.workDir()).getUsableSpace(),
                    ArtifactRestore.spaceNeeded(stored), properties.keepFree().toBytes());
            if (!noRoom.isEmpty()) {
                announce(stored, BackupVerified.now(stored.jobId(), stored.targetId(), Verdict.INCONCLUSIVE, List.of(), List.of(), 0, noRoom));
                return;
            }
            log.info("verification started: job {} target {}", stored.jobId(), stored.targetId());
            List<String> differences = new ArrayList<>();
            RowCountComparison.Result comparison = new RowCountComparison.Result(List.of(), List.of());
            long restoreMillis = 0;
            long fetchStarted = System.nanoTime();
            artifacts.fetch(stored, files, cancellation).ifPresent(differences::add);
            long fetchMillis = (System.nanoTime() - fetchStarted) / 1_000_000;
            long pgRestoreMillis = 0;
            long compareStarted = 0;
            List<String> environment = new ArrayList<>();
            List<CheckResult> checkResults = new ArrayList<>();
            int serverMajor = ScratchDatabase.serverMajor(properties.scratch());
            if (differences.isEmpty()) {
                environment.addAll(EnvironmentProblems.serverVersion(serverMajor, sourceMajor));
            }
            if (differences.isEmpty() && environment.isEmpty()) {
                try (ScratchDatabase scratch = ScratchDatabase.create(properties.scratch(), instance, stored.jobId())) {
                    long started = System.nanoTime();
                    ArtifactRestore.Restored restored = artifacts.restore(pgRestore.get().executable(), stored, files, properties.scratch(),
                            scratch.name(), List.of(), cancellation);
                    // The measured recovery time: downloading and decoding (one pass) where the artifact is decoded, and restoring.
                    restoreMillis = (System.nanoTime() - started + files.decodeNanos) / 1_000_000;
                    pgRestoreMillis = (System.nanoTime() - started) / 1_000_000;
                    compareStarted = System.nanoTime();
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
                        // The catalog is read on a connection of its own while the rows are counted.
                        Catalog catalog = stored.artifact().catalog();
                        FutureTask<Map<String, String>> restoredCatalog = new FutureTask<>(
                                () -> catalog == null ? Map.of() : scratch.catalog(catalog.withData(), catalog.wholeDatabase()));
                        Thread.ofVirtual().start(restoredCatalog);
                        comparison = RowCountComparison.compare(stored.artifact().tables(), scratch.countRows(properties.restoreJobs()));
                        differences.addAll(comparison.differences());
                        if (catalog != null) {
                            differences.addAll(CatalogFingerprint.differences(catalog.objects(), catalogOf(restoredCatalog)));
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
            log.info("verification finished: job {} target {}: {} ({} tables, restore {} ms: download and decode {} ms, {} {} ms; "
                    + "comparison {} ms){}{}", stored.jobId(), stored.targetId(), verdict, comparison.tables().size(), restoreMillis, fetchMillis,
                    pgRestore.get().executable().getFileName(), pgRestoreMillis,
                    compareStarted == 0 ? 0 : (System.nanoTime() - compareStarted) / 1_000_000, differences.isEmpty() ? "" : " " + differences,
                    verified.environmentProblemList().isEmpty() ? "" : " environment: " + verified.environmentProblemList());
        } catch (SdkException | IOException e) {
            cancellation.check();
            fail(stored, "could not read the stored backup " + stored.location().bucket() + "/" + stored.location().key() + ": " + e.getMessage());
        } catch (SQLException e) {
            cancellation.check();
            fail(stored, "the scratch server " + properties.scratch().host() + ":" + properties.scratch().port()
                    + " refused the verification: " + e.getMessage() + "; check vigil.verifier.scratch settings");
        }
    }

    private static Map<String, String> catalogOf(FutureTask<Map<String, String>> read) throws SQLException, InterruptedException {
        try {
            return read.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(e.getCause());
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

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "verifier";
        }
    }

    private void fail(ArtifactStored stored, String reason) {
        log.warn("verification could not run: job {} target {}: {}", stored.jobId(), stored.targetId(), reason);
        transactions.executeWithoutResult(s -> outbox.append(BackupFailed.now(stored.jobId(), stored.targetId(), Stage.VERIFY,
                FailureClass.RESTORE, reason)));
    }
}
