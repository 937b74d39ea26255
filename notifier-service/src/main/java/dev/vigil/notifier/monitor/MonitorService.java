package dev.vigil.notifier.monitor;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupRechecked;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.CopiesChecked;
import dev.vigil.contracts.CopyProblem;
import dev.vigil.contracts.Monitoring;
import dev.vigil.contracts.RetentionApplied;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.messaging.TargetSettings;
import dev.vigil.notifier.NotifierProperties;
import dev.vigil.notifier.IncidentKind;
import dev.vigil.notifier.incident.Incidents;
import dev.vigil.notifier.incident.Incidents.Occurrence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns the lifecycle events into incidents and into the record the weekly report is made from (what
 * each verification proved, each target's last re-check of its copies and last retention run), and
 * checks every configured target's freshness. Each event is handled in one transaction with the
 * messages it owes, so a crash loses nothing and a redelivered event changes nothing.
 */
public final class MonitorService {

    private static final Logger log = LoggerFactory.getLogger(MonitorService.class);
    /** Differences and problems listed in a message; the job API has them all. */
    private static final int DETAIL_LINES = 20;

    private final BackupHistory history;
    private final Incidents incidents;
    private final TargetSettings targets;
    private final NotifierProperties properties;
    private final TransactionTemplate transactions;
    private final MonitoringMeters meters;
    private final Clock clock;

    MonitorService(BackupHistory history, Incidents incidents, TargetSettings targets, NotifierProperties properties,
            TransactionTemplate transactions, MonitoringMeters meters, Clock clock) {
        this.history = history;
        this.incidents = incidents;
        this.targets = targets;
        this.properties = properties;
        this.transactions = transactions;
        this.meters = meters;
        this.clock = clock;
    }

    public void handle(String topic, byte[] payload, @Nullable String traceId) {
        switch (topic) {
            case Topics.ARTIFACT_STORED -> {
                ArtifactStored stored = EventJson.read(payload, ArtifactStored.class);
                transactions.executeWithoutResult(status -> stored(stored));
            }
            case Topics.BACKUP_VERIFIED -> {
                BackupVerified verified = EventJson.read(payload, BackupVerified.class);
                Thresholds thresholds = thresholds(verified.targetId());
                transactions.executeWithoutResult(status -> verified(verified, thresholds, traceId));
            }
            case Topics.BACKUP_FAILED -> {
                BackupFailed failed = EventJson.read(payload, BackupFailed.class);
                transactions.executeWithoutResult(status -> failed(failed, traceId));
            }
            case Topics.COPIES_CHECKED -> {
                CopiesChecked checked = EventJson.read(payload, CopiesChecked.class);
                transactions.executeWithoutResult(status -> copiesChecked(checked));
            }
            case Topics.BACKUP_RECHECKED -> {
                BackupRechecked rechecked = EventJson.read(payload, BackupRechecked.class);
                transactions.executeWithoutResult(status -> rechecked(rechecked, traceId));
            }
            case Topics.RETENTION_APPLIED -> {
                RetentionApplied applied = EventJson.read(payload, RetentionApplied.class);
                transactions.executeWithoutResult(status -> retentionApplied(applied));
            }
            default -> throw new IllegalArgumentException("the notifier does not read topic " + topic);
        }
    }

    private void stored(ArtifactStored stored) {
        String target = stored.targetId().value();
        history.stored(stored.jobId().value(), target, stored.occurredAt(), stored.artifact(), stored.copies());
        incidents.resolve(target, IncidentKind.BACKUP_FAILING, stored.occurredAt(), "job " + stored.jobId() + " was backed up and stored",
                stored.jobId().value());
    }

    private void verified(BackupVerified verified, Thresholds thresholds, @Nullable String traceId) {
        String target = verified.targetId().value();
        UUID job = verified.jobId().value();
        if (!history.verified(verified)) {
            log.info("verdict for job {} already handled", job);
            return;
        }
        meters.outcome(target, switch (verified.verdict()) {
            case PASSED -> "verified";
            case RESTORED -> "restored";
            case FAILED -> "verification_failed";
            case INCONCLUSIVE -> "inconclusive";
        });
        boolean announce = recent(verified.occurredAt());
        switch (verified.verdict()) {
            case PASSED -> {
                String how = "job " + job + " was restored and verified";
                incidents.resolve(target, IncidentKind.BACKUP_FAILING, verified.occurredAt(), how, job);
                incidents.resolve(target, IncidentKind.VERIFICATION_FAILING, verified.occurredAt(), how, job);
                incidents.resolve(target, IncidentKind.INCONCLUSIVE, verified.occurredAt(), how, job);
                anomalies(target, job, verified.occurredAt(), thresholds, traceId, announce);
            }
            case RESTORED -> {
                // A dump made outside Vigil restored: a usable backup, though nothing could be compared. Not compared with history
                // either: its counts are what was restored, not what the source held.
                String how = "job " + job + " (a dump made outside Vigil) was restored";
                incidents.resolve(target, IncidentKind.BACKUP_FAILING, verified.occurredAt(), how, job);
                incidents.resolve(target, IncidentKind.VERIFICATION_FAILING, verified.occurredAt(), how, job);
                incidents.resolve(target, IncidentKind.INCONCLUSIVE, verified.occurredAt(), how, job);
            }
            case FAILED -> incidents.occur(new Occurrence(target, IncidentKind.VERIFICATION_FAILING, verified.occurredAt(), job, traceId,
                    "Backup of " + target + " failed verification", lines(verified.differences()), announce));
            case INCONCLUSIVE -> incidents.occur(new Occurrence(target, IncidentKind.INCONCLUSIVE, verified.occurredAt(), job, traceId,
                    "Backup of " + target + " could not be verified: the verification server lacks something (the backup was not judged)",
                    lines(verified.environmentProblemList()), announce));
        }
    }

    private void anomalies(String target, UUID job, Instant at, Thresholds thresholds, @Nullable String traceId, boolean announce) {
        Optional<AnomalyDetector.Sample> current = history.sample(job);
        if (current.isEmpty()) {
            return;
        }
        List<AnomalyDetector.Sample> before = history.before(target, job, at, thresholds.history());
        for (AnomalyDetector.Finding finding : List.of(AnomalyDetector.size(target, current.get(), before, thresholds),
                AnomalyDetector.content(target, current.get(), before, thresholds))) {
            if (finding.anomalous()) {
                log.warn("{} for target {} job {}: {}", finding.kind(), target, job, finding.headline());
                incidents.occur(new Occurrence(target, finding.kind(), at, job, traceId, finding.headline(), finding.details(), announce));
            } else if (finding.judged()) {
                incidents.resolve(target, finding.kind(), at, "job " + job + " was verified with " + finding.headline(), job);
            }
        }
    }

    private void copiesChecked(CopiesChecked checked) {
        String target = checked.targetId().value();
        history.copiesChecked(target, checked.occurredAt(), checked.backupsChecked(), checked.copiesChecked(), checked.problems().size());
        if (checked.problems().isEmpty()) {
            incidents.resolve(target, IncidentKind.COPY_DAMAGED, checked.occurredAt(), "the re-check at " + checked.occurredAt() + " found all "
                    + checked.copiesChecked() + " copies of " + checked.backupsChecked() + " kept backups intact", null);
            return;
        }
        List<String> details = new ArrayList<>();
        for (CopyProblem problem : checked.problems()) {
            details.add("Backup " + problem.jobId() + ", copy " + copy(problem.copy()) + ": " + problem.fault() + ": " + problem.detail());
        }
        details = new ArrayList<>(lines(details));
        details.add("Checked " + checked.copiesChecked() + " copies of " + checked.backupsChecked() + " kept backups. Restore from an intact copy "
                + "if you need one of these backups, and find out who or what changed the store.");
        long backups = checked.problems().stream().map(CopyProblem::jobId).distinct().count();
        incidents.occur(new Occurrence(target, IncidentKind.COPY_DAMAGED, checked.occurredAt(), null, null,
                checked.problems().size() + (checked.problems().size() == 1 ? " stored copy" : " stored copies") + " of " + backups
                        + (backups == 1 ? " backup" : " backups") + " of " + target + " missing or damaged ("
                        + checked.problems().stream().map(p -> p.fault().name()).distinct().sorted().collect(java.util.stream.Collectors.joining(", ")) + ")",
                details, recent(checked.occurredAt())));
    }

    /** Keeps the target's last retention run for the weekly report; retention raises no incident. */
    private void retentionApplied(RetentionApplied applied) {
        String target = applied.targetId().value();
        history.retentionApplied(target, applied.occurredAt(), applied.policy().toString(), applied.kept().size(), applied.deleted().size());
        log.info("retention applied to target {} at {}: {} kept, {} deleted", target, applied.occurredAt(), applied.kept().size(),
                applied.deleted().size());
    }

    /** The month's sample of a kept backup, restored again by the verifier: a failure means a backup believed good is not. */
    private void rechecked(BackupRechecked rechecked, @Nullable String traceId) {
        String target = rechecked.targetId().value();
        UUID job = rechecked.jobId().value();
        String copy = copy(rechecked.copy());
        switch (rechecked.verdict()) {
            case PASSED, RESTORED -> incidents.resolve(target, IncidentKind.NO_LONGER_RESTORES, rechecked.occurredAt(),
                    "kept backup " + job + " (copy " + copy + ") was restored again" + (rechecked.verdict() == Verdict.PASSED ? " and verified" : ""),
                    job);
            case FAILED -> {
                List<String> details = new ArrayList<>();
                details.add("Backup " + job + ", copy " + copy + ", restored again as this month's sample of kept backups:");
                details.addAll(lines(rechecked.differences()));
                details.add("It passed verification when it was taken. Find out what changed the store or the key, and take and keep "
                        + "a fresh backup; do not count on this one for a restore.");
                incidents.occur(new Occurrence(target, IncidentKind.NO_LONGER_RESTORES, rechecked.occurredAt(), job, traceId,
                        "Kept backup " + job + " of " + target + " no longer restores", details, recent(rechecked.occurredAt())));
            }
            case INCONCLUSIVE -> log.warn("the re-restore of kept backup {} of {} could not be judged: {}", job, target,
                    String.join("; ", rechecked.environmentProblems()));
        }
    }

    private void failed(BackupFailed failed, @Nullable String traceId) {
        String target = failed.targetId().value();
        UUID job = failed.jobId().value();
        if (!history.failed(job, target, failed.occurredAt())) {
            log.info("failure of job {} already handled", job);
            return;
        }
        meters.outcome(target, "failed");
        if (history.storedAfter(target, failed.occurredAt())) {
            log.info("failure of job {} (target {}) arrived after a later backup was stored: no incident", job, target);
            return;
        }
        incidents.occur(new Occurrence(target, IncidentKind.BACKUP_FAILING, failed.occurredAt(), job, traceId,
                "Backup of " + target + " failed at " + failed.stage() + " (" + failed.failureClass() + ")", List.of(failed.reason()),
                recent(failed.occurredAt())));
    }

    /**
     * Checks every configured target: one whose newest verified backup is older than its limit (or that
     * was never verified and has been configured longer than that) opens a stale incident; one that is
     * fresh again resolves it. Also refreshes the meters.
     */
    public void checkFreshness() throws InterruptedException {
        Optional<List<TargetConfigured>> configured = targets.current();
        if (configured.isEmpty()) {
            log.warn("the targets topic has not been read yet: freshness is not checked this time");
            return;
        }
        Instant now = clock.instant();
        for (TargetConfigured target : configured.get()) {
            String id = target.targetId().value();
            Thresholds thresholds = Thresholds.of(target.monitoringSettings(), properties.monitoring());
            transactions.executeWithoutResult(status -> {
                Instant firstSeen = history.firstSeen(id);
                Optional<BackupHistory.LastVerified> last = history.lastVerified(id);
                Instant reference = last.map(BackupHistory.LastVerified::verifiedAt).orElse(firstSeen);
                meters.target(id, last.orElse(null), reference, thresholds.freshnessLimit());
                Duration age = Duration.between(reference, now);
                if (age.compareTo(thresholds.freshnessLimit()) <= 0) {
                    last.ifPresent(l -> incidents.resolve(id, IncidentKind.STALE, now, "job " + l.jobId() + " was verified at " + l.verifiedAt(),
                            l.jobId()));
                    return;
                }
                String limit = Incidents.human(thresholds.freshnessLimit());
                List<String> details = new ArrayList<>();
                String headline;
                if (last.isPresent()) {
                    headline = "No verified backup of " + id + " for " + Incidents.human(age) + " (limit " + limit + ")";
                    details.add("Last verified backup: job " + last.get().jobId() + " at " + last.get().verifiedAt() + ", " + Incidents.human(age) + " ago.");
                } else {
                    headline = id + " has never had a verified backup (known for " + Incidents.human(age) + ", limit " + limit + ")";
                    details.add("Never verified: the target has been known since " + firstSeen + ".");
                }
                details.add("Failed or inconclusive backups do not count. Check the schedule, the dump workers and the verifier, "
                        + "or take a backup now: POST /api/v1/targets/" + id + "/backups");
                incidents.occur(new Occurrence(id, IncidentKind.STALE, now, null, null, headline, details, true));
            });
        }
        transactions.executeWithoutResult(status -> incidents.remind(properties.reminderInterval()));
        meters.open(incidents.openByKind());
    }

    private Thresholds thresholds(TargetId target) {
        try {
            if (targets.lookup(target) instanceof TargetSettings.Lookup.Known known) {
                return Thresholds.of(known.settings().monitoringSettings(), properties.monitoring());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Thresholds.of(Monitoring.DEFAULTS, properties.monitoring());
    }

    private boolean recent(Instant occurredAt) {
        boolean recent = occurredAt.isAfter(clock.instant().minus(properties.alertHorizon()));
        if (!recent) {
            log.info("event of {} is older than vigil.notifier.alert-horizon ({}): incidents change, nobody is alerted", occurredAt,
                    properties.alertHorizon());
        }
        return recent;
    }

    /** A copy as messages name it: destination, then bucket/key. */
    private static String copy(StoredObject copy) {
        return copy.destination() + " " + copy.bucket() + "/" + copy.key();
    }

    private static List<String> lines(List<String> all) {
        if (all.size() <= DETAIL_LINES) {
            return all;
        }
        List<String> cut = new ArrayList<>(all.subList(0, DETAIL_LINES));
        cut.add("… and " + (all.size() - DETAIL_LINES) + " more (the job API lists them all)");
        return cut;
    }
}
