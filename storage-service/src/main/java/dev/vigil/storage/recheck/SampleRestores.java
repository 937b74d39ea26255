package dev.vigil.storage.recheck;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupRechecked;
import dev.vigil.contracts.RecheckRequested;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.storage.backups.SampleRestore;
import dev.vigil.storage.backups.StoredBackups;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The re-check's monthly sample restored again through the verifier: asks for it
 * ({@link RecheckRequested}, in the re-check's transaction) and records the verifier's answer
 * ({@link BackupRechecked}) in {@code sample_restores}. An answer is recorded only for a re-restore
 * this service asked for, with the same job, target and copy, and only once; anything else is logged
 * and ignored. Neither the request nor the answer changes a backup's state, verdict or retention: a
 * backup that no longer restores is a finding for the notifier, not a reason to delete or keep it.
 * Thread-safe.
 */
public class SampleRestores {

    private static final Logger log = LoggerFactory.getLogger(SampleRestores.class);

    private final StoredBackups catalog;
    private final TransactionTemplate transactions;
    private final Outbox outbox;
    private final Clock clock;

    public SampleRestores(StoredBackups catalog, TransactionTemplate transactions, Outbox outbox, Clock clock) {
        this.catalog = catalog;
        this.transactions = transactions;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Within the caller's transaction: when the target has had no sample this month (UTC), asks the
     * verifier to restore the chosen backup again from its primary copy, records that, and answers
     * the request; else, or when no backup qualifies, answers empty.
     */
    Optional<RecheckRequested> askIfDue(TargetId targetId, List<MonthlySample.Candidate> candidates, Instant at) {
        YearMonth month = MonthlySample.month(at);
        if (catalog.sampleRestoreAsked(targetId, month)) {
            return Optional.empty();
        }
        Optional<MonthlySample.Candidate> chosen = MonthlySample.choose(candidates);
        if (chosen.isEmpty()) {
            log.info("re-check of target {}: no kept backup both verified and with every copy whole to restore again for {}; the next run "
                    + "looks again", targetId, month);
            return Optional.empty();
        }
        ArtifactStored stored = catalog.stored(chosen.get().jobId()).orElseThrow();
        RecheckRequested request = RecheckRequested.now(UUID.randomUUID(), stored.jobId(), targetId, stored.location(), stored.artifact(),
                MonthlySample.reason(month, targetId, chosen.get()));
        catalog.recordSampleRestore(request.checkId(), targetId, month, stored.jobId(), stored.location(), at);
        outbox.append(request);
        return Optional.of(request);
    }

    /** Records the verifier's answer to a re-restore this service asked for; any other is logged and ignored. */
    public void answered(BackupRechecked answer) {
        Optional<SampleRestore> asked = catalog.sampleRestore(answer.checkId());
        if (asked.isEmpty()) {
            log.warn("BackupRechecked {} (job {}, target {}) answers no re-restore this service asked for (check {}); ignored",
                    answer.eventId(), answer.jobId(), answer.targetId(), answer.checkId());
            return;
        }
        SampleRestore restore = asked.get();
        if (!restore.jobId().equals(answer.jobId()) || !restore.targetId().equals(answer.targetId()) || !restore.copy().equals(answer.copy())) {
            log.warn("BackupRechecked {} for check {} names job {}, target {}, copy {} {}, but that check asked for job {} of target {} "
                    + "from copy {} {}; ignored", answer.eventId(), answer.checkId(), answer.jobId(), answer.targetId(),
                    answer.copy().destination(), answer.copy().key(), restore.jobId(), restore.targetId(), restore.copy().destination(),
                    restore.copy().key());
            return;
        }
        if (restore.answered()) {
            if (answer.eventId().equals(restore.answerEventId())) {
                log.info("re-restore {} of backup {} of target {} already recorded ({}); nothing changed", answer.checkId(), answer.jobId(),
                        answer.targetId(), restore.verdict());
            } else {
                log.warn("re-restore {} of backup {} of target {} was already answered {}; a second answer ({}, event {}) is ignored",
                        answer.checkId(), answer.jobId(), answer.targetId(), restore.verdict(), answer.verdict(), answer.eventId());
            }
            return;
        }
        Boolean recorded = transactions.execute(status -> catalog.recordSampleAnswer(answer.checkId(), answer.verdict().name(),
                answer.restoreMillis(), clock.instant(), EventJson.writeString(answer)));
        if (!Boolean.TRUE.equals(recorded)) {
            log.info("re-restore {} of backup {} of target {} was answered meanwhile; nothing changed", answer.checkId(), answer.jobId(),
                    answer.targetId());
            return;
        }
        String what = "re-restore " + answer.checkId() + " of backup " + answer.jobId() + " of target " + answer.targetId() + " from copy "
                + answer.copy().destination() + " (" + answer.copy().key() + "): " + answer.verdict() + " in " + answer.restoreMillis() + " ms";
        if (answer.verdict() == Verdict.PASSED || answer.verdict() == Verdict.RESTORED) {
            // RESTORED: a dump made outside Vigil restored again; there was never anything to compare it with.
            log.info("{}", what);
        } else if (answer.verdict() == Verdict.FAILED) {
            log.warn("{}; the backup no longer restores as it did: {}", what, answer.differences());
        } else {
            log.warn("{}; not judged: {}", what, answer.environmentProblems());
        }
    }
}
