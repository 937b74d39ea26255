package dev.vigil.storage.recheck;

import dev.vigil.contracts.CopiesChecked;
import dev.vigil.contracts.CopyFault;
import dev.vigil.contracts.CopyProblem;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RecheckRequested;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TargetId;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.storage.backups.BackupCopies;
import dev.vigil.storage.backups.StoredBackup;
import dev.vigil.storage.backups.StoredBackups;
import dev.vigil.storage.destination.ArtifactStore;
import dev.vigil.storage.destination.Destination;
import dev.vigil.storage.destination.Destinations;
import dev.vigil.storage.destination.ObjectDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks every stored copy of every kept backup again at rest, target by target: reads each copy
 * whole from its destination (streaming, one buffer in memory) and compares its size and SHA-256 with
 * those recorded when it was stored, and where an Object Lock date was set (and has not passed),
 * that the copy is still retained until then. Per target it records each copy's outcome in the
 * catalog ({@code copy_checks}) and announces {@link CopiesChecked} through the outbox in one
 * transaction, and logs each problem at WARN. In the same transaction, once a calendar month per
 * target, it asks the verifier to restore a sample again ({@link SampleRestores}): the oldest kept
 * verified backup whose copies it found whole.
 *
 * <p>Thread-safe: one run at a time across threads and instances (a PostgreSQL advisory lock held for
 * the run); a run started meanwhile returns at once. A run interrupted (the service stopping) stops
 * before its next copy, publishing nothing for the target it was on.
 */
public class CopyCheck {

    private static final Logger log = LoggerFactory.getLogger(CopyCheck.class);
    /** The name of the lock that lets one instance check at a time. */
    static final String RUN_LOCK = "vigil-storage-copy-check";

    private final StoredBackups catalog;
    private final Destinations destinations;
    private final TransactionTemplate transactions;
    private final Outbox outbox;
    private final SampleRestores samples;
    private final Clock clock;

    public CopyCheck(StoredBackups catalog, Destinations destinations, TransactionTemplate transactions, Outbox outbox, SampleRestores samples,
            Clock clock) {
        this.catalog = catalog;
        this.destinations = destinations;
        this.transactions = transactions;
        this.outbox = outbox;
        this.samples = samples;
        this.clock = clock;
    }

    /** One copy checked: the problems found, none when it is whole. */
    private record CheckedCopy(StoredObject copy, List<CopyProblem> problems) {
    }

    /** One backup's copies checked (those at destinations still configured); {@code primary} as its {@code ArtifactStored} named it. */
    private record CheckedBackup(JobId jobId, StoredObject primary, List<CheckedCopy> copies) {

        /** Every copy checked, the primary among them, was read back with its recorded size and SHA-256. */
        boolean whole() {
            return copies.stream().anyMatch(copy -> copy.copy().equals(primary))
                    && copies.stream().flatMap(copy -> copy.problems().stream()).allMatch(p -> p.fault() == CopyFault.LOCK_SHORTENED);
        }
    }

    /** Thrown between copies when the thread was interrupted: the run stops. */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    /**
     * Checks every target with kept backups now, one after the other; answers the events published,
     * one per target checked, or none when another instance is checking (or the run was interrupted
     * first). A target whose check fails is logged and left to the next run; the others go on.
     */
    public List<CopiesChecked> runNow() {
        List<CopiesChecked> published = new ArrayList<>();
        boolean ran = catalog.runAlone(RUN_LOCK, () -> {
            List<TargetId> targets = catalog.targetsWithLiveBackups();
            log.info("re-check of stored copies at rest over {} target(s)", targets.size());
            try {
                for (TargetId target : targets) {
                    try {
                        published.add(check(target));
                    } catch (Interrupted e) {
                        throw e;
                    } catch (RuntimeException e) {
                        log.warn("re-check of target {} failed, nothing recorded or announced for it; the next run tries again: {}", target,
                                e.toString());
                    }
                }
            } catch (Interrupted e) {
                Thread.currentThread().interrupt();
                log.info("re-check of stored copies stopped (interrupted) after {} of {} target(s)", published.size(), targets.size());
            }
        });
        if (!ran) {
            log.info("re-check of stored copies skipped: another instance is checking");
        }
        return published;
    }

    /** Checks the copies of one target's kept backups, records each outcome and announces {@link CopiesChecked}. */
    CopiesChecked check(TargetId targetId) {
        List<CheckedBackup> checked = new ArrayList<>();
        for (BackupCopies backup : catalog.keptCopies(targetId)) {
            List<CheckedCopy> copies = new ArrayList<>();
            for (StoredObject copy : backup.copies()) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new Interrupted();
                }
                Optional<Destination> destination = destinations.named(copy.destination());
                if (destination.isEmpty()) {
                    log.warn("backup {} of target {} has a copy at destination {}, which is no longer configured; that copy is not checked",
                            backup.jobId(), targetId, copy.destination());
                    continue;
                }
                copies.add(new CheckedCopy(copy, inspect(backup, copy, destination.get())));
            }
            checked.add(new CheckedBackup(backup.jobId(), backup.copies().getFirst(), copies));
        }
        Instant checkedAt = clock.instant();
        List<CopyProblem> problems = new ArrayList<>();
        AtomicReference<RecheckRequested> sample = new AtomicReference<>();
        CopiesChecked announced = transactions.execute(status -> {
            // Retention's lock: a backup it deleted while its copies were read is no longer kept, and its missing copies are no problem.
            catalog.lockTargetUntilCommit(targetId);
            Map<JobId, StoredBackup> kept = catalog.live(targetId).stream().collect(Collectors.toMap(StoredBackup::jobId, b -> b));
            int backups = 0;
            int copies = 0;
            List<MonthlySample.Candidate> candidates = new ArrayList<>();
            for (CheckedBackup backup : checked) {
                StoredBackup live = kept.get(backup.jobId());
                if (live == null) {
                    continue;
                }
                candidates.add(new MonthlySample.Candidate(live.jobId(), live.takenAt(), live.sequence(),
                        live.state() == StoredBackup.State.VERIFIED, backup.whole()));
                backups++;
                for (CheckedCopy copy : backup.copies()) {
                    copies++;
                    catalog.recordCopyCheck(backup.jobId(), copy.copy(), checkedAt, outcome(copy), detail(copy));
                    problems.addAll(copy.problems());
                }
            }
            // Asked first: the relay publishes in id order, so the request is on the broker before this run's CopiesChecked.
            sample.set(samples.askIfDue(targetId, candidates, checkedAt).orElse(null));
            CopiesChecked event = CopiesChecked.now(targetId, backups, copies, problems);
            outbox.append(event);
            return event;
        });
        for (CopyProblem problem : problems) {
            log.warn("re-check: copy of backup {} of target {} at destination {} ({}) is {}: {}", problem.jobId(), targetId,
                    problem.copy().destination(), problem.copy().key(), problem.fault(), problem.detail());
        }
        log.info("re-check of target {}: {} backup(s), {} copies checked, {} problem(s)", targetId, announced.backupsChecked(),
                announced.copiesChecked(), problems.size());
        if (sample.get() != null) {
            log.info("re-check of target {}: asked the verifier to restore backup {} again from {} ({}), check {}", targetId,
                    sample.get().jobId(), sample.get().copy().destination(), sample.get().copy().key(), sample.get().checkId());
        }
        return announced;
    }

    /** What is wrong with one copy now; nothing when it is whole (and locked as long as was set). */
    private List<CopyProblem> inspect(BackupCopies backup, StoredObject copy, Destination destination) {
        ArtifactStore store = destination.store();
        Optional<ObjectDigest> found;
        try {
            found = destination.guard().call(() -> store.digest(copy.bucket(), copy.key()));
        } catch (Throwable e) {
            rethrowIfError(e);
            return List.of(new CopyProblem(backup.jobId(), copy, CopyFault.UNREADABLE, CopyFindings.unreadable(e)));
        }
        if (found.isEmpty()) {
            return List.of(new CopyProblem(backup.jobId(), copy, CopyFault.MISSING, "no object under the key"));
        }
        List<CopyProblem> problems = new ArrayList<>();
        CopyFindings.altered(backup.sizeBytes(), backup.sha256(), found.get())
                .ifPresent(detail -> problems.add(new CopyProblem(backup.jobId(), copy, CopyFault.ALTERED, detail)));
        if (CopyFindings.lockToCheck(backup.retainUntil(), clock.instant())) {
            try {
                if (destination.guard().call(() -> store.setsRetainUntilDates(copy.bucket()))) {
                    Optional<Instant> until = destination.guard().call(() -> store.retainUntil(copy.bucket(), copy.key()));
                    CopyFindings.lockShortened(backup.retainUntil(), until)
                            .ifPresent(detail -> problems.add(new CopyProblem(backup.jobId(), copy, CopyFault.LOCK_SHORTENED, detail)));
                }
            } catch (Throwable e) {
                rethrowIfError(e);
                problems.add(new CopyProblem(backup.jobId(), copy, CopyFault.UNREADABLE,
                        "its Object Lock date could not be read: " + CopyFindings.unreadable(e)));
            }
        }
        return List.copyOf(problems);
    }

    private static void rethrowIfError(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
    }

    private static String outcome(CheckedCopy copy) {
        return copy.problems().isEmpty() ? "OK" : copy.problems().stream().map(p -> p.fault().name()).collect(Collectors.joining(","));
    }

    private static @org.jspecify.annotations.Nullable String detail(CheckedCopy copy) {
        return copy.problems().isEmpty() ? null : copy.problems().stream().map(CopyProblem::detail).collect(Collectors.joining("; "));
    }
}
