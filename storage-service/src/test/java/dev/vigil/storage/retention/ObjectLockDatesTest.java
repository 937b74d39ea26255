package dev.vigil.storage.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.storage.backups.StoredBackup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectLockDatesTest {

    private static final RetentionPolicy POLICY = new RetentionPolicy(7, 4, 12, 3, 10, 3);
    private static final Instant TAKEN = Instant.parse("2026-01-31T03:00:04.250Z");

    @Test
    void eachTierLocksForItsOwnSpanAndTheLongestWins() {
        assertThat(ObjectLockDates.retainUntil(POLICY, TAKEN, List.of("daily 2026-01-31"))).contains(Instant.parse("2026-02-07T03:00:04Z"));
        assertThat(ObjectLockDates.retainUntil(POLICY, TAKEN, List.of("weekly 2026-W05"))).contains(Instant.parse("2026-02-28T03:00:04Z"));
        // A month after the 31st of January is the last day of February.
        assertThat(ObjectLockDates.retainUntil(new RetentionPolicy(7, 4, 1, 3, 10, 3), TAKEN, List.of("monthly 2026-01")))
                .contains(Instant.parse("2026-02-28T03:00:04Z"));
        assertThat(ObjectLockDates.retainUntil(POLICY, TAKEN, List.of("taken within 10 days"))).contains(Instant.parse("2026-02-10T03:00:04Z"));
        assertThat(ObjectLockDates.retainUntil(POLICY, TAKEN, List.of("daily 2026-01-31", "yearly 2026", "monthly 2026-01", "weekly 2026-W05")))
                .contains(Instant.parse("2029-01-31T03:00:04Z"));
    }

    @Test
    void reasonsThatChangeWithEveryRunGiveNoDate() {
        assertThat(ObjectLockDates.retainUntil(POLICY, TAKEN, List.of(RetentionPlanner.NEWEST, RetentionPlanner.PENDING, RetentionPlanner.LEGAL_HOLD,
                "floor of 3 verified backups", "last verified backup stored"))).isEmpty();
    }

    @Test
    void everyTierReasonThePlannerWritesIsOneItKnows() {
        // A year of daily verified backups: every kept one keeps a tier, and each tier gives a date.
        List<StoredBackup> backups = new ArrayList<>();
        Instant now = Instant.parse("2026-11-21T04:30:00Z");
        for (int day = 0; day < 400; day++) {
            backups.add(new StoredBackup(JobId.random(), now.minusSeconds(86_400L * day + 3600), "k" + day, StoredBackup.State.VERIFIED, false,
                    400 - day));
        }
        RetentionPlan plan = RetentionPlanner.plan(POLICY, backups, now);
        for (RetentionPlan.Decision kept : plan.kept()) {
            assertThat(ObjectLockDates.retainUntil(POLICY, kept.backup().takenAt(), kept.reasons())).as(kept.reasons().toString()).isPresent();
        }
    }
}
