package dev.vigil.notifier.report;

import dev.vigil.notifier.incident.Incidents;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The runbooks' weekly checklist, per target, for a period: backups taken and verified, failures,
 * the size trend, the slowest restore, the last verified backup and its age, and the state now of
 * the stored copies (last re-check), retention (last run) and open incidents. Built from plain
 * {@link Facts} by {@link #of}, so the arithmetic is tested without a database. Immutable.
 *
 * @param generatedAt when it was made: copies, retention and open incidents are as of then
 * @param targets     one row per target, by target id
 */
public record Report(Period period, Instant generatedAt, Totals totals, List<TargetRow> targets) {

    public Report {
        targets = List.copyOf(targets);
    }

    // ------------------------------------------------------------------ what it is made from

    /** What the notifier recorded of one job, as far as it falls in the period. */
    public record Backup(UUID jobId, String targetId, @Nullable Instant storedAt, @Nullable Long sizeBytes, @Nullable String verdict,
            @Nullable Instant verifiedAt, @Nullable Long restoreMillis, @Nullable Instant failedAt) {
    }

    /** A target's newest verified backup before the period's end. */
    public record Verified(UUID jobId, Instant verifiedAt) {
    }

    /** A target's last re-check of its stored copies by the storage service. */
    public record CopiesState(Instant checkedAt, int backupsChecked, int copiesChecked, int problems) {
    }

    /** A target's last retention run by the storage service. */
    public record RetentionState(Instant appliedAt, String policy, int kept, int deleted) {
    }

    /** An incident open now. */
    public record OpenIncident(String targetId, String kind, Instant since, String headline) {
    }

    /**
     * Everything a report is made from.
     *
     * @param targets      the targets to report on even when nothing happened to them (the configured ones)
     * @param backups      every job stored, verified or failed within the period
     * @param lastVerified per target, its newest verified backup before the period's end
     */
    public record Facts(Set<String> targets, List<Backup> backups, Map<String, Verified> lastVerified, Map<String, CopiesState> copies,
            Map<String, RetentionState> retention, List<OpenIncident> openIncidents) {
    }

    // ------------------------------------------------------------------ what it says

    /** Over all targets. */
    public record Totals(int targets, int targetsNeedingAttention, int backupsTaken, int verified, int backupsFailed,
            int verificationsFailed, int inconclusive) {
    }

    /**
     * One target's line of the checklist.
     *
     * @param backupsTaken        backups stored in the period
     * @param verified            verifications in the period that passed
     * @param backupsFailed       backups that failed in the period (dump, store or verification could not run)
     * @param verificationsFailed verifications in the period that found the restore differs from the source
     * @param inconclusive        verifications in the period the verification server could not judge
     * @param size                the first and last verified backup's size in the period; null without one
     * @param slowestRestore      the longest restore among the period's verifications; null without one
     * @param lastVerified        the newest verified backup before the period's end, whenever it was; null if never
     * @param copies              the last re-check of the stored copies, null if none yet
     * @param retention           the last retention run, null if none yet
     * @param attention           what a reader should look at, empty when all is well
     */
    public record TargetRow(String targetId, int backupsTaken, int verified, int backupsFailed, int verificationsFailed, int inconclusive,
            @Nullable SizeTrend size, @Nullable SlowestRestore slowestRestore, @Nullable LastVerified lastVerified,
            @Nullable CopiesState copies, @Nullable RetentionState retention, List<OpenIncident> openIncidents, List<String> attention) {

        public TargetRow {
            openIncidents = List.copyOf(openIncidents);
            attention = List.copyOf(attention);
        }
    }

    /** @param changePercent from first to last, one decimal; null when the first was empty */
    public record SizeTrend(long firstBytes, long lastBytes, @Nullable BigDecimal changePercent, int verifiedBackups) {
    }

    public record SlowestRestore(UUID jobId, BigDecimal seconds) {
    }

    /** @param ageSeconds how old it was at the period's end; {@code age} says the same for people, e.g. "1d 2h" */
    public record LastVerified(UUID jobId, Instant verifiedAt, long ageSeconds, String age) {
    }

    // ------------------------------------------------------------------ making it

    /** The report of the facts for the period; targets in id order. */
    public static Report of(Period period, Instant generatedAt, Facts facts) {
        Set<String> ids = new TreeSet<>(facts.targets());
        facts.backups().forEach(b -> ids.add(b.targetId()));
        facts.openIncidents().forEach(i -> ids.add(i.targetId()));
        List<TargetRow> rows = new ArrayList<>();
        for (String id : ids) {
            rows.add(row(period, id, facts));
        }
        return new Report(period, generatedAt, totals(rows), rows);
    }

    /** The same report for the targets the predicate accepts only, e.g. those one subscription covers. */
    public Report only(Predicate<String> targetIds) {
        List<TargetRow> rows = targets.stream().filter(row -> targetIds.test(row.targetId())).toList();
        return new Report(period, generatedAt, totals(rows), rows);
    }

    private static TargetRow row(Period period, String id, Facts facts) {
        List<Backup> backups = facts.backups().stream().filter(b -> b.targetId().equals(id)).toList();
        int taken = (int) backups.stream().filter(b -> within(period, b.storedAt())).count();
        int failed = (int) backups.stream().filter(b -> within(period, b.failedAt())).count();
        List<Backup> verifications = backups.stream().filter(b -> b.verdict() != null && within(period, b.verifiedAt()))
                .sorted(Comparator.comparing(Backup::verifiedAt)).toList();
        int passed = count(verifications, "PASSED");
        int verificationsFailed = count(verifications, "FAILED");
        int inconclusive = count(verifications, "INCONCLUSIVE");

        List<Backup> sized = verifications.stream().filter(b -> "PASSED".equals(b.verdict()) && b.sizeBytes() != null).toList();
        SizeTrend size = sized.isEmpty() ? null : new SizeTrend(sized.getFirst().sizeBytes(), sized.getLast().sizeBytes(),
                percent(sized.getFirst().sizeBytes(), sized.getLast().sizeBytes()), sized.size());

        // An inconclusive verification may have stopped before restoring anything: its time says nothing of a restore.
        SlowestRestore slowest = verifications.stream()
                .filter(b -> !"INCONCLUSIVE".equals(b.verdict()) && b.restoreMillis() != null && b.restoreMillis() > 0)
                .max(Comparator.comparing(Backup::restoreMillis))
                .map(b -> new SlowestRestore(b.jobId(), BigDecimal.valueOf(b.restoreMillis(), 3).setScale(1, RoundingMode.HALF_UP)))
                .orElse(null);

        Verified newest = facts.lastVerified().get(id);
        LastVerified last = newest == null ? null : new LastVerified(newest.jobId(), newest.verifiedAt(),
                Duration.between(newest.verifiedAt(), period.to()).toSeconds(), Incidents.human(Duration.between(newest.verifiedAt(), period.to())));

        CopiesState copies = facts.copies().get(id);
        List<OpenIncident> open = facts.openIncidents().stream().filter(i -> i.targetId().equals(id))
                .sorted(Comparator.comparing(OpenIncident::since)).toList();

        List<String> attention = new ArrayList<>();
        if (passed == 0) {
            attention.add(last == null ? "never verified" : "no verified backup in the period (last " + last.age() + " before its end)");
        }
        if (failed > 0) {
            attention.add(failed + (failed == 1 ? " backup failed" : " backups failed"));
        }
        if (verificationsFailed > 0) {
            attention.add(verificationsFailed + (verificationsFailed == 1 ? " verification failed" : " verifications failed"));
        }
        if (inconclusive > 0) {
            attention.add(inconclusive + (inconclusive == 1 ? " verification inconclusive" : " verifications inconclusive"));
        }
        if (copies != null && copies.problems() > 0) {
            attention.add(copies.problems() + (copies.problems() == 1 ? " stored copy" : " stored copies") + " missing or damaged at the last re-check");
        }
        if (!open.isEmpty()) {
            attention.add(open.size() + (open.size() == 1 ? " open incident" : " open incidents"));
        }
        return new TargetRow(id, taken, passed, failed, verificationsFailed, inconclusive, size, slowest, last, copies,
                facts.retention().get(id), open, attention);
    }

    private static Totals totals(List<TargetRow> rows) {
        return new Totals(rows.size(), (int) rows.stream().filter(r -> !r.attention().isEmpty()).count(),
                rows.stream().mapToInt(TargetRow::backupsTaken).sum(), rows.stream().mapToInt(TargetRow::verified).sum(),
                rows.stream().mapToInt(TargetRow::backupsFailed).sum(), rows.stream().mapToInt(TargetRow::verificationsFailed).sum(),
                rows.stream().mapToInt(TargetRow::inconclusive).sum());
    }

    private static boolean within(Period period, @Nullable Instant at) {
        return at != null && !at.isBefore(period.from()) && at.isBefore(period.to());
    }

    private static int count(List<Backup> verifications, String verdict) {
        return (int) verifications.stream().filter(b -> verdict.equals(b.verdict())).count();
    }

    private static @Nullable BigDecimal percent(long first, long last) {
        if (first == 0) {
            return null;
        }
        return BigDecimal.valueOf(last - first).multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(first), 1, RoundingMode.HALF_UP);
    }
}
