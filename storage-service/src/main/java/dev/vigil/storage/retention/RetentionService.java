package dev.vigil.storage.retention;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RetentionApplied;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.contracts.TargetId;
import dev.vigil.messaging.TargetSettings;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.contracts.RetainedBackup;
import dev.vigil.contracts.StoredObject;
import dev.vigil.storage.backups.StoredBackups;
import dev.vigil.storage.backups.Manifests;
import dev.vigil.storage.backups.StoredBackup;
import dev.vigil.storage.destination.Destination;
import dev.vigil.storage.destination.Destinations;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies each target's retention policy to the catalog and the bucket: after every store, after
 * every verdict, and on a daily sweep. A target's own policy comes from the targets topic; a target
 * without one gets the service's default. A target that is not configured (any more) is left
 * alone, and so is every target until the targets topic has been read: a policy must never be
 * guessed, since deleting is the one thing that cannot be undone. Every policy is raised to the
 * service's {@link RetentionFloor} before planning, since a policy arrives in an event anyone with
 * write access to the targets topic could forge; the newest verified backup is never deleted.
 */
public class RetentionService {

    private static final Logger log = LoggerFactory.getLogger(RetentionService.class);

    private final StoredBackups catalog;
    private final TransactionTemplate transactions;
    private final Outbox outbox;
    private final Destinations destinations;
    private final TargetSettings targets;
    private final RetentionPolicy defaultPolicy;
    private final RetentionFloor floor;
    /** The last policy below the floor warned about, per target: warned once per policy, not on every run. */
    private final Map<TargetId, RetentionPolicy> warnedBelowFloor = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Manifests manifests;

    public RetentionService(StoredBackups catalog, TransactionTemplate transactions, Outbox outbox, Destinations destinations, TargetSettings targets,
            RetentionPolicy defaultPolicy, RetentionFloor floor, Clock clock, Manifests manifests) {
        this.floor = floor;
        this.manifests = manifests;
        this.catalog = catalog;
        this.transactions = transactions;
        this.outbox = outbox;
        this.destinations = destinations;
        this.targets = targets;
        this.defaultPolicy = defaultPolicy;
        this.clock = clock;
    }

    /** The policy for a target, or why there is none to apply. */
    sealed interface Policy {
        /** The policy to plan with ({@code policy}, at or above the floor), and the fields the floor raised. */
        record Known(RetentionPolicy policy, boolean targetsOwn, List<String> raisedByFloor) implements Policy {
        }

        record Unknown(String why) implements Policy {
        }
    }

    Policy policyFor(TargetId targetId) {
        try {
            return switch (targets.lookup(targetId)) {
                case TargetSettings.Lookup.Known known -> {
                    RetentionPolicy own = known.settings().retention();
                    RetentionFloor.Applied floored = floor.apply(own != null ? own : defaultPolicy);
                    if (floored.wasRaised()) {
                        warnOnce(targetId, own != null ? own : defaultPolicy, floored, own != null);
                    } else {
                        warnedBelowFloor.remove(targetId);
                    }
                    yield new Policy.Known(floored.policy(), own != null, floored.raised());
                }
                case TargetSettings.Lookup.NotConfigured notConfigured ->
                        new Policy.Unknown("target '" + targetId + "' is not configured; its backups are kept until it is configured again");
                case TargetSettings.Lookup.NotReadYet notRead ->
                        new Policy.Unknown("the targets topic has not been read yet; retention waits rather than guess a policy");
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Policy.Unknown("interrupted");
        }
    }

    private void warnOnce(TargetId targetId, RetentionPolicy given, RetentionFloor.Applied floored, boolean targetsOwn) {
        if (!given.equals(warnedBelowFloor.put(targetId, given))) {
            log.warn("retention policy of target {} ({}: {}) is below the service's floor ({}); raised for planning: {}", targetId,
                    targetsOwn ? "from its TargetConfigured" : "the service default", given, floor, String.join(", ", floored.raised()));
        }
    }

    /** What the policy would keep and delete now, changing nothing. */
    RetentionPlan preview(TargetId targetId, RetentionPolicy policy) {
        return RetentionPlanner.plan(policy, catalog.live(targetId), clock.instant());
    }

    /** Applies the target's policy; a failure is logged, never thrown (the next store, verdict or sweep tries again). */
    public void applyQuietly(TargetId targetId) {
        try {
            apply(targetId);
        } catch (RuntimeException e) {
            log.warn("retention for target {} failed, nothing more was deleted; the next store, verdict or daily sweep tries again: {}",
                    targetId, e.toString());
        }
    }

    /** Deletes what the target's policy lets go, from the bucket and then the catalog, and announces {@link RetentionApplied}. */
    public Optional<RetentionApplied> apply(TargetId targetId) {
        Policy policy = policyFor(targetId);
        if (policy instanceof Policy.Unknown unknown) {
            log.info("retention for target {} skipped: {}", targetId, unknown.why());
            return Optional.empty();
        }
        RetentionPolicy rules = ((Policy.Known) policy).policy();
        return Optional.of(transactions.execute(status -> {
            // One application per target at a time, across threads and instances.
            catalog.lockTargetUntilCommit(targetId);
            RetentionPlan plan = RetentionPlanner.plan(rules, catalog.live(targetId), clock.instant());
            for (RetentionPlan.Decision decision : plan.deleted()) {
                StoredBackup backup = decision.backup();
                // Object first: if the catalog update is lost, the next run deletes the (missing) object again and marks it.
                for (StoredObject copy : copies(backup.jobId())) {
                    Optional<Destination> destination = destinations.named(copy.destination());
                    if (destination.isEmpty()) {
                        log.warn("backup {} has a copy at destination {}, which is no longer configured; that copy stays", backup.jobId(),
                                copy.destination());
                        continue;
                    }
                    destination.get().store().delete(copy.bucket(), copy.key());
                    manifests.delete(destination.get(), copy);
                }
                catalog.markDeleted(backup.jobId(), String.join("; ", decision.reasons()));
                log.info("retention deleted backup {} of target {} ({}, taken {}): {}", backup.jobId(), targetId, backup.objectKey(),
                        backup.takenAt(), decision.reasons());
            }
            Map<JobId, Instant> locked = catalog.retainUntilDates(targetId);
            List<RetainedBackup> kept = plan.kept().stream().map(decision -> {
                Instant lockedUntil = lock(rules, decision, locked.get(decision.backup().jobId()));
                return new RetainedBackup(decision.backup().jobId(), decision.backup().takenAt(), decision.backup().objectKey(),
                        decision.reasons(), lockedUntil);
            }).toList();
            RetentionApplied applied = RetentionApplied.now(targetId, rules, kept, plan.deletedBackups());
            outbox.append(applied);
            return applied;
        }));
    }

    /**
     * Where a destination's bucket has Object Lock: sets (or extends) the retain-until date of every
     * copy of a kept backup to what its tiers keep it for ({@link ObjectLockDates}), and answers the
     * date in force, or null where none is; {@code recorded} is the date last set, or null. Never shortens a date; asks the bucket only to extend the
     * date last recorded. A store that fails is logged, and the next run tries again.
     */
    private Instant lock(RetentionPolicy rules, RetentionPlan.Decision decision, Instant recorded) {
        StoredBackup backup = decision.backup();
        Optional<Instant> wanted = ObjectLockDates.retainUntil(rules, backup.takenAt(), decision.reasons())
                .filter(until -> until.isAfter(clock.instant()));
        if (wanted.isEmpty() || recorded != null && !recorded.isBefore(wanted.get())) {
            return recorded;
        }
        Instant inForce = null;
        try {
            for (StoredObject copy : copies(backup.jobId())) {
                Optional<Destination> destination = destinations.named(copy.destination());
                if (destination.isPresent()) {
                    Optional<Instant> until = destination.get().store().retainAtLeastUntil(copy.bucket(), copy.key(), wanted.get());
                    if (until.isPresent() && (inForce == null || until.get().isBefore(inForce))) {
                        inForce = until.get();
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not set the Object Lock retain-until date of backup {} to {}; the next retention run tries again: {}", backup.jobId(),
                    wanted.get(), e.getMessage());
            return recorded;
        }
        if (inForce != null) {
            catalog.setRetainUntil(backup.jobId(), inForce);
        }
        return inForce != null ? inForce : recorded;
    }

    /** The daily sweep: every target that has backups in the catalog. */
    public void sweep() {
        List<TargetId> withBackups = catalog.targetsWithLiveBackups();
        log.info("retention sweep over {} target(s)", withBackups.size());
        withBackups.forEach(this::applyQuietly);
    }

    /**
     * Puts a legal hold on a stored backup, or lifts it, in the catalog and in its manifest (so a
     * rebuilt catalog keeps it); answers whether the backup exists (and is not deleted). If the
     * manifest cannot be written the hold is not changed, and the failure is thrown.
     */
    public boolean legalHold(JobId jobId, boolean hold) {
        return Boolean.TRUE.equals(transactions.execute(status -> {
            boolean found = catalog.setLegalHold(jobId, hold);
            if (found) {
                manifests.refresh(jobId);
            }
            return found;
        }));
    }

    /**
     * Records the verifier's verdict on a stored backup, in the catalog and then its manifest. Answers
     * whether the backup has that verdict now (recorded, or already so); a verdict for an unknown
     * backup, or one contradicting the verdict it already has, changes nothing and is logged.
     */
    public boolean recordVerdict(JobId jobId, boolean passed) {
        StoredBackups.VerdictOutcome outcome = catalog.recordVerdict(jobId, passed, clock.instant());
        switch (outcome) {
            case RECORDED -> manifests.refreshQuietly(jobId);
            case ALREADY -> {
            }
            case CONFLICTS -> log.warn("verdict {} for job {} refused: the backup already has the other verdict, and a verdict only settles "
                    + "a backup pending verification", passed ? "PASSED" : "FAILED", jobId);
            case NO_SUCH_BACKUP -> log.warn("verdict {} for job {}: no such backup in the catalog", passed ? "PASSED" : "FAILED", jobId);
        }
        return outcome == StoredBackups.VerdictOutcome.RECORDED || outcome == StoredBackups.VerdictOutcome.ALREADY;
    }

    /** Every copy of a backup, as its {@code ArtifactStored} listed them. */
    private List<StoredObject> copies(JobId jobId) {
        return catalog.stored(jobId).orElseThrow().copies();
    }
}
