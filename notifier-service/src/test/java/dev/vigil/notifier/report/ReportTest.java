package dev.vigil.notifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final Instant FROM = Instant.parse("2026-11-30T08:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-07T08:00:00Z");
    private static final Period WEEK = new Period(FROM, TO);

    private final List<Report.Backup> backups = new ArrayList<>();

    private UUID passed(String target, Instant at, long size, long restoreMillis) {
        UUID job = UUID.randomUUID();
        backups.add(new Report.Backup(job, target, at.minusSeconds(60), size, "PASSED", at, restoreMillis, null));
        return job;
    }

    private UUID verdict(String target, String verdict, Instant at, long restoreMillis) {
        UUID job = UUID.randomUUID();
        backups.add(new Report.Backup(job, target, at.minusSeconds(60), 1_000L, verdict, at, restoreMillis, null));
        return job;
    }

    private void failed(String target, Instant at) {
        backups.add(new Report.Backup(UUID.randomUUID(), target, null, null, null, null, null, at));
    }

    private Report report(Set<String> targets, Map<String, Report.Verified> lastVerified, List<Report.OpenIncident> open) {
        return Report.of(WEEK, TO, new Report.Facts(targets, backups, lastVerified, Map.of(), Map.of(), open));
    }

    @Test
    void countsWhatHappenedFromTheStartOfThePeriodUpToButNotIncludingItsEnd() {
        passed("orders-db", FROM, 100, 1_000);
        passed("orders-db", TO.minusMillis(1), 100, 1_000);
        passed("orders-db", TO, 100, 1_000);
        passed("orders-db", FROM.minusMillis(1), 100, 1_000);
        failed("orders-db", FROM.plus(Duration.ofDays(1)));
        failed("orders-db", TO);

        Report.TargetRow row = report(Set.of(), Map.of(), List.of()).targets().getFirst();

        assertThat(row.verified()).isEqualTo(2);
        assertThat(row.backupsTaken()).as("each stored a minute before its verification: those verified just before and at the end")
                .isEqualTo(2);
        assertThat(row.backupsFailed()).isEqualTo(1);
    }

    @Test
    void theSizeTrendRunsFromTheFirstToTheLastVerifiedBackupAndTheSlowestRestoreIgnoresInconclusiveOnes() {
        passed("orders-db", FROM.plus(Duration.ofDays(1)), 2_000_000, 40_000);
        UUID slowest = verdict("orders-db", "FAILED", FROM.plus(Duration.ofDays(2)), 95_450);
        verdict("orders-db", "INCONCLUSIVE", FROM.plus(Duration.ofDays(3)), 500_000);
        passed("orders-db", FROM.plus(Duration.ofDays(4)), 1_500_000, 41_000);

        Report.TargetRow row = report(Set.of(), Map.of(), List.of()).targets().getFirst();

        assertThat(row.size()).isNotNull();
        assertThat(row.size().firstBytes()).isEqualTo(2_000_000);
        assertThat(row.size().lastBytes()).isEqualTo(1_500_000);
        assertThat(row.size().changePercent()).isEqualByComparingTo("-25.0");
        assertThat(row.size().verifiedBackups()).as("only passed verifications' sizes").isEqualTo(2);
        assertThat(row.slowestRestore()).isNotNull();
        assertThat(row.slowestRestore().jobId()).isEqualTo(slowest);
        assertThat(row.slowestRestore().seconds()).isEqualByComparingTo("95.5");
        assertThat(row.verificationsFailed()).isEqualTo(1);
        assertThat(row.inconclusive()).isEqualTo(1);
        assertThat(row.attention()).containsExactly("1 verification failed", "1 verification inconclusive");
    }

    @Test
    void aConfiguredTargetWithNothingInThePeriodIsReportedWithItsLastVerifiedBackupsAgeAtThePeriodsEnd() {
        UUID old = UUID.randomUUID();
        Report report = report(Set.of("quiet-db", "never-db"), Map.of("quiet-db", new Report.Verified(old, TO.minus(Duration.ofDays(9)).minusSeconds(3_600))),
                List.of(new Report.OpenIncident("quiet-db", "STALE", FROM, "No verified backup of quiet-db for 2d")));

        assertThat(report.targets()).extracting(Report.TargetRow::targetId).containsExactly("never-db", "quiet-db");
        Report.TargetRow never = report.targets().get(0);
        assertThat(never.lastVerified()).isNull();
        assertThat(never.size()).isNull();
        assertThat(never.slowestRestore()).isNull();
        assertThat(never.attention()).containsExactly("never verified");
        Report.TargetRow quiet = report.targets().get(1);
        assertThat(quiet.lastVerified().jobId()).isEqualTo(old);
        assertThat(quiet.lastVerified().ageSeconds()).isEqualTo(Duration.ofDays(9).plusHours(1).toSeconds());
        assertThat(quiet.lastVerified().age()).isEqualTo("9d 1h");
        assertThat(quiet.attention()).containsExactly("no verified backup in the period (last 9d 1h before its end)", "1 open incident");
        assertThat(report.totals().targets()).isEqualTo(2);
        assertThat(report.totals().targetsNeedingAttention()).isEqualTo(2);
    }

    @Test
    void copiesFoundDamagedNeedAttentionAndATargetWithAllWellNeedsNone() {
        passed("orders-db", FROM.plus(Duration.ofDays(1)), 0, 1_000);
        passed("orders-db", FROM.plus(Duration.ofDays(2)), 10, 1_000);
        passed("vault-db", FROM.plus(Duration.ofDays(1)), 10, 1_000);
        Report report = Report.of(WEEK, TO, new Report.Facts(Set.of(), backups, Map.of(),
                Map.of("vault-db", new Report.CopiesState(TO.minusSeconds(60), 3, 6, 2)),
                Map.of("orders-db", new Report.RetentionState(TO.minusSeconds(60), "7 daily", 7, 1)), List.of()));

        Report.TargetRow orders = report.targets().get(0);
        assertThat(orders.size().changePercent()).as("no percentage of nothing").isNull();
        assertThat(orders.attention()).isEmpty();
        assertThat(orders.retention().deleted()).isEqualTo(1);
        assertThat(report.targets().get(1).attention()).containsExactly("2 stored copies missing or damaged at the last re-check");
        assertThat(report.totals().targetsNeedingAttention()).isEqualTo(1);
    }

    @Test
    void aSubscriptionsReportHoldsItsTargetsOnlyWithTheirTotals() {
        passed("orders-db", FROM.plus(Duration.ofDays(1)), 10, 1_000);
        passed("search-db", FROM.plus(Duration.ofDays(1)), 10, 1_000);
        passed("search-db", FROM.plus(Duration.ofDays(2)), 10, 1_000);

        Report only = report(Set.of(), Map.of(), List.of()).only("search-db"::equals);

        assertThat(only.targets()).extracting(Report.TargetRow::targetId).containsExactly("search-db");
        assertThat(only.totals().verified()).isEqualTo(2);
        assertThat(only.totals().targets()).isEqualTo(1);
    }
}
