package dev.vigil.verifier.verify;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupRechecked;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.RecheckRequested;
import dev.vigil.contracts.SqlCheck;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.messaging.Cancellation;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.verifier.VerifierProperties;
import dev.vigil.verifier.pipeline.Outcome;
import dev.vigil.verifier.pipeline.RestoreException;
import dev.vigil.verifier.pipeline.RestorePipeline;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Verifies one stored backup: restores it through the {@link RestorePipeline} into a fresh scratch
 * database, compares it whole with the dump's snapshot (rows, catalog, the target's own checks),
 * drops the scratch database, and records and announces the verdict in one transaction. A job
 * already verified is announced again, unchanged. Each verdict's restore time (the {@code restoreMillis}
 * it announces) is timed as {@code vigil.restore.duration} (tags {@code target}, {@code verdict});
 * a verification that could not run, announced as {@link BackupFailed}, has no verdict and is not timed.
 *
 * <p>Also restores a kept backup again at the storage service's request ({@link RecheckRequested}):
 * the same pipeline into a scratch database of its own, compared with the counts and the catalog the
 * artifact carries, answered with {@link BackupRechecked} (recorded in {@code rechecks}), never with
 * {@link BackupVerified} or {@link BackupFailed}: a re-restore settles no job. Thread-safe.
 */
public class VerificationService {

    private static final Logger log = LoggerFactory.getLogger(VerificationService.class);
    /** Prometheus: {@code vigil_restore_duration_seconds_count}, {@code _sum}, {@code _max}. */
    private static final String DURATION_METRIC = "vigil.restore.duration";

    private final RestorePipeline pipeline;
    private final VerifierProperties properties;
    private final String instance;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Outbox outbox;
    private final Function<TargetId, Optional<List<SqlCheck>>> checks;
    private final MeterRegistry meters;

    /**
     * @param checks a target's own checks, run against each of its restored backups; empty when its
     *               settings could not be read in time, which keeps any verdict from being {@code PASSED}
     */
    public VerificationService(RestorePipeline pipeline, VerifierProperties properties, JdbcClient jdbc, TransactionTemplate transactions,
            Outbox outbox, Function<TargetId, Optional<List<SqlCheck>>> checks, MeterRegistry meters) {
        this.pipeline = pipeline;
        this.meters = meters;
        this.properties = properties;
        this.checks = checks;
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
        Optional<List<SqlCheck>> targetChecks = checks.apply(stored.targetId());
        log.info("verification started: job {} target {}", stored.jobId(), stored.targetId());
        ScratchDatabase scratch = new ScratchDatabase(properties.scratch(), instance, stored.jobId().value(), targetChecks.orElse(List.of()));
        Outcome outcome;
        try {
            outcome = pipeline.run(stored, scratch, cancellation);
        } catch (RestoreException e) {
            fail(stored, e.getMessage());
            return;
        } catch (RuntimeException e) {
            if (e instanceof java.util.concurrent.CancellationException) {
                throw e;
            }
            // Reported rather than left uncommitted: the job would otherwise wait in STORED for good.
            log.error("verification of job {} target {} failed unexpectedly", stored.jobId(), stored.targetId(), e);
            fail(stored, "the verification failed unexpectedly (" + e + "); the verifier's log has the details");
            return;
        } finally {
            drop(scratch);
        }
        if (targetChecks.isEmpty()) {
            outcome = outcome.notFullyJudged("the settings of target " + stored.targetId() + " were not read from the targets topic in time "
                    + "(vigil.targets.read-wait), so its own checks did not run; check that the verifier reaches the broker");
        }
        BackupVerified verified = BackupVerified.now(stored.jobId(), stored.targetId(), outcome.verdict(), outcome.differences(), outcome.tables(),
                outcome.restoreMillis(), outcome.environmentProblems(), outcome.checks());
        announce(stored, verified);
        Timer.builder(DURATION_METRIC)
                .description("Downloading, decoding and restoring a stored backup to verify it (its restoreMillis), by verdict")
                .tag("target", stored.targetId().value())
                .tag("verdict", verified.verdict().name())
                .register(meters)
                .record(verified.restoreMillis(), TimeUnit.MILLISECONDS);
        log.info("verification finished: job {} target {}: {}{}{}", stored.jobId(), stored.targetId(), verified.verdict(),
                outcome.differences().isEmpty() ? "" : " " + outcome.differences(),
                outcome.environmentProblems().isEmpty() ? "" : " environment: " + outcome.environmentProblems());
    }

    /**
     * Restores a kept backup again, from the copy the request names, as a verification restores it
     * (room, keyring, role, server version; rows and catalog compared), and answers
     * {@link BackupRechecked}. The target's own checks do not run: they judge the data against the
     * present (e.g. freshness), which an old backup cannot pass, and ran at its verification. A
     * request already answered is answered again, unchanged. Cancelled, it drops its scratch
     * database, announces nothing and throws {@link java.util.concurrent.CancellationException}.
     */
    public void recheck(RecheckRequested request, Cancellation cancellation) throws InterruptedException {
        Optional<String> already = jdbc.sql("select event::text from rechecks where check_id = ?")
                .param(request.checkId()).query(String.class).optional();
        if (already.isPresent()) {
            log.info("re-restore {} of job {} target {} already answered; announcing it again", request.checkId(), request.jobId(),
                    request.targetId());
            transactions.executeWithoutResult(s -> outbox.append(EventJson.mapper().readValue(already.get(), BackupRechecked.class)));
            return;
        }
        // A dump made outside Vigil had nothing to compare with at its verification, and has nothing now: as its
        // ArtifactStored said (kept in stored_backups), it is restored and counted, and answered RESTORED when it restores.
        String registeredFrom = jdbc.sql("select event->>'registeredFrom' from stored_backups where job_id = ?")
                .param(request.jobId().value()).query(String.class).optional().orElse(null);
        // The pipeline takes a stored backup: this one, as the request names its copy and artifact. Never published.
        ArtifactStored stored = new ArtifactStored(request.eventId(), request.occurredAt(), ArtifactStored.SCHEMA_VERSION, request.jobId(),
                request.targetId(), request.copy(), request.artifact(), null, registeredFrom);
        log.info("re-restore {} started: job {} target {} from {} ({}): {}", request.checkId(), request.jobId(), request.targetId(),
                request.copy().destination(), request.copy().key(), request.reason());
        ScratchDatabase scratch = new ScratchDatabase(properties.scratch(), instance, request.checkId(), List.of());
        BackupRechecked answer;
        try {
            Outcome outcome = pipeline.run(stored, scratch, cancellation);
            answer = BackupRechecked.of(request, outcome.verdict(), outcome.differences(), outcome.environmentProblems(),
                    outcome.restoreMillis());
        } catch (RestoreException e) {
            answer = isGone(e)
                    // The storage service read it whole moments ago; now there is nothing to restore.
                    ? BackupRechecked.of(request, Verdict.FAILED, List.of(e.getMessage()), List.of(), 0)
                    : BackupRechecked.of(request, Verdict.INCONCLUSIVE, List.of(), List.of("the re-restore could not run: " + e.getMessage()), 0);
        } catch (RuntimeException e) {
            if (e instanceof java.util.concurrent.CancellationException) {
                throw e;
            }
            // Answered rather than left uncommitted; a fault of the verifier's says nothing about the backup.
            log.error("re-restore {} of job {} target {} failed unexpectedly", request.checkId(), request.jobId(), request.targetId(), e);
            answer = BackupRechecked.of(request, Verdict.INCONCLUSIVE, List.of(), List.of("the re-restore failed unexpectedly (" + e
                    + "); the verifier's log has the details"), 0);
        } finally {
            drop(scratch);
        }
        BackupRechecked announced = answer;
        transactions.executeWithoutResult(s -> {
            jdbc.sql("insert into rechecks (check_id, job_id, target_id, verdict, restore_millis, event) values (?, ?, ?, ?, ?, cast(? as jsonb))")
                    .params(request.checkId(), request.jobId().value(), request.targetId().value(), announced.verdict().name(),
                            announced.restoreMillis(), EventJson.writeString(announced))
                    .update();
            outbox.append(announced);
        });
        if (announced.verdict() == Verdict.PASSED || announced.verdict() == Verdict.RESTORED) {
            log.info("re-restore {} finished: job {} target {}: {} in {} ms", request.checkId(), request.jobId(), request.targetId(),
                    announced.verdict(), announced.restoreMillis());
        } else {
            log.warn("re-restore {} finished: job {} target {}: {}{}{}", request.checkId(), request.jobId(), request.targetId(),
                    announced.verdict(), announced.differences().isEmpty() ? "" : " " + announced.differences(),
                    announced.environmentProblems().isEmpty() ? "" : " environment: " + announced.environmentProblems());
        }
    }

    /** The copy is not there (404): a fact about the backup, not about the verifier's access to the store. */
    private static boolean isGone(RestoreException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof software.amazon.awssdk.services.s3.model.S3Exception s3 && s3.statusCode() == 404) {
                return true;
            }
        }
        return false;
    }

    private void drop(ScratchDatabase scratch) {
        try {
            scratch.close();
        } catch (SQLException e) {
            // The verdict stands; the next start of this instance drops what is left.
            log.warn("could not drop the scratch database {}: {}", scratch.database(), e.getMessage());
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
