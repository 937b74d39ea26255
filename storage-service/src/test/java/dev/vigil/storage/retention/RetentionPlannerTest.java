package dev.vigil.storage.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.storage.backups.StoredBackup;
import dev.vigil.storage.backups.StoredBackup.State;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RetentionPlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-21T04:00:00Z");

    @Test
    void aYearOfDailyBackupsKeepsExactlyTheGrandfatherFatherSonSet() {
        List<StoredBackup> year = new ArrayList<>();
        LocalDate first = LocalDate.of(2025, 11, 22);
        for (int day = 0; day < 365; day++) {
            year.add(backup(first.plusDays(day).atTime(3, 0).toInstant(ZoneOffset.UTC), State.VERIFIED, day));
        }

        RetentionPlan plan = RetentionPlanner.plan(new RetentionPolicy(7, 4, 12, 3, 0, 0), year, NOW);

        assertThat(days(plan.kept())).containsExactly(
                "2026-11-21", "2026-11-20", "2026-11-19", "2026-11-18", "2026-11-17", "2026-11-16", "2026-11-15", // daily
                "2026-11-08", "2026-11-01", // weekly (ISO weeks 45 and 44; 47 and 46 are the 21st and 15th)
                "2026-10-31", "2026-09-30", "2026-08-31", "2026-07-31", "2026-06-30", "2026-05-31", "2026-04-30", "2026-03-31",
                "2026-02-28", "2026-01-31", // monthly
                "2025-12-31"); // monthly, and yearly for 2025
        assertThat(plan.deleted()).hasSize(365 - 20);
        assertThat(plan.kept().getFirst().reasons()).containsExactly(RetentionPlanner.NEWEST, "daily 2026-11-21", "weekly 2026-W47",
                "monthly 2026-11", "yearly 2026");
        assertThat(plan.deleted().getFirst().reasons()).containsExactly("no rule keeps it");
    }

    @Test
    void failedVerificationsDoNotUseUpDailySlots() {
        List<StoredBackup> backups = new ArrayList<>();
        for (int day = 0; day < 10; day++) {
            // Days 4 to 6 failed verification; the days after them verified again.
            backups.add(backup(NOW.minus(Duration.ofDays(10 - day)), day >= 4 && day <= 6 ? State.VERIFICATION_FAILED : State.VERIFIED, day));
        }

        RetentionPlan plan = RetentionPlanner.plan(new RetentionPolicy(3, 0, 0, 0, 0, 1), backups, NOW);

        assertThat(plan.kept()).extracting(d -> d.backup().sequence()).containsExactly(9L, 8L, 7L);
        assertThat(plan.deleted()).filteredOn(d -> d.backup().state() == State.VERIFICATION_FAILED).hasSize(3)
                .allSatisfy(d -> assertThat(d.reasons()).containsExactly("verification failed, and no rule keeps it"));
    }

    @Test
    void failedBackupsNewerThanEveryVerifiedOneAreKeptUntilANewerOneVerifies() {
        List<StoredBackup> backups = new ArrayList<>();
        for (int day = 0; day < 10; day++) {
            // The last three days' backups failed verification: they may hold the newest data there is.
            backups.add(backup(NOW.minus(Duration.ofDays(10 - day)), day >= 7 ? State.VERIFICATION_FAILED : State.VERIFIED, day));
        }

        RetentionPlan plan = RetentionPlanner.plan(new RetentionPolicy(3, 0, 0, 0, 0, 1), backups, NOW);

        assertThat(plan.kept()).extracting(d -> d.backup().sequence()).containsExactly(9L, 8L, 7L, 6L, 5L, 4L);
        assertThat(plan.kept()).filteredOn(d -> d.backup().state() == State.VERIFICATION_FAILED)
                .allSatisfy(d -> assertThat(d.reasons()).containsExactly(RetentionPlanner.FAILED_BUT_NEWEST));

        backups.add(backup(NOW.minus(Duration.ofHours(1)), State.VERIFIED, 10));
        RetentionPlan afterANewVerifiedOne = RetentionPlanner.plan(new RetentionPolicy(3, 0, 0, 0, 0, 1), backups, NOW);

        assertThat(afterANewVerifiedOne.deleted()).filteredOn(d -> d.backup().state() == State.VERIFICATION_FAILED).hasSize(3);
    }

    @Test
    void manualBackupsWithinTheWindowAreAllKept() {
        List<StoredBackup> backups = new ArrayList<>();
        backups.add(backup(NOW.minus(Duration.ofDays(20)), State.VERIFIED, 0));
        for (int i = 1; i <= 5; i++) {
            // Five backups on one day, e.g. before a migration: daily keeps one, the window keeps them all.
            backups.add(backup(NOW.minus(Duration.ofHours(10 - i)), State.VERIFIED, i));
        }

        RetentionPlan plan = RetentionPlanner.plan(new RetentionPolicy(1, 0, 0, 0, 2, 1), backups, NOW);

        assertThat(plan.kept()).hasSize(5).allSatisfy(d -> assertThat(d.reasons()).contains("taken within 2 days"));
        assertThat(plan.deleted()).extracting(d -> d.backup().sequence()).containsExactly(0L);
    }

    @Test
    void aClockThatJumpedBackCannotGetTheLastStoredBackupDeleted() {
        // Stored last (sequence 2), but its clock said 2025: by takenAt it is the oldest.
        List<StoredBackup> backups = List.of(
                backup(NOW.minus(Duration.ofDays(2)), State.VERIFIED, 0),
                backup(NOW.minus(Duration.ofDays(1)), State.VERIFIED, 1),
                backup(NOW.minus(Duration.ofDays(400)), State.VERIFIED, 2));

        RetentionPlan plan = RetentionPlanner.plan(new RetentionPolicy(1, 0, 0, 0, 0, 1), backups, NOW);

        assertThat(plan.kept()).extracting(d -> d.backup().sequence()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(plan.kept()).filteredOn(d -> d.backup().sequence() == 2).first()
                .satisfies(d -> assertThat(d.reasons()).containsExactly("last verified backup stored"));
    }

    /** Random histories: successes, failed verifications, pending ones, holds, deleted rows, clock jumps both ways. */
    static LongStream seeds() {
        return LongStream.range(1, 401);
    }

    @ParameterizedTest(name = "history {0}")
    @MethodSource("seeds")
    void theInvariantsHoldForRandomHistories(long seed) {
        Random random = new Random(seed);
        RetentionPolicy policy = randomPolicy(random);
        List<StoredBackup> history = randomHistory(random);
        Instant now = history.isEmpty() ? NOW : history.getLast().takenAt().plus(Duration.ofHours(random.nextInt(24 * 5)));
        if (random.nextInt(5) == 0) {
            now = now.minus(Duration.ofDays(random.nextInt(60))); // the service's clock is behind the backups'
        }
        String context = "seed " + seed + ", policy " + policy + ", now " + now + ", history " + history;

        RetentionPlan plan = RetentionPlanner.plan(policy, history, now);

        List<StoredBackup> kept = plan.kept().stream().map(RetentionPlan.Decision::backup).toList();
        List<StoredBackup> deleted = plan.deleted().stream().map(RetentionPlan.Decision::backup).toList();
        List<StoredBackup> live = history.stream().filter(b -> b.state() != State.DELETED).toList();
        List<StoredBackup> verified = live.stream().filter(b -> b.state() == State.VERIFIED).toList();

        assertThat(java.util.Collections.disjoint(kept, deleted)).as("kept and deleted overlap; " + context).isTrue();
        assertThat(new ArrayList<>(kept) {{ addAll(deleted); }}).as(context).containsExactlyInAnyOrderElementsOf(live);
        if (!verified.isEmpty()) {
            StoredBackup newestTaken = verified.stream().max(Comparator.comparing(StoredBackup::takenAt)
                    .thenComparingLong(StoredBackup::sequence)).orElseThrow();
            StoredBackup lastStored = verified.stream().max(Comparator.comparingLong(StoredBackup::sequence)).orElseThrow();
            assertThat(deleted).as("newest verified is never deleted; " + context).doesNotContain(newestTaken, lastStored);
        }
        assertThat(kept.stream().filter(b -> b.state() == State.VERIFIED).count()).as("floor; " + context)
                .isGreaterThanOrEqualTo(Math.min(policy.minVerified(), verified.size()));
        assertThat(deleted).as("pending verification is never deleted; " + context).noneMatch(b -> b.state() == State.PENDING_VERIFICATION);
        assertThat(deleted).as("legal holds are never deleted; " + context).noneMatch(StoredBackup::legalHold);
        assertThat(deleted).as("a failed backup newer than every verified one is never deleted; " + context)
                .noneMatch(b -> b.state() == State.VERIFICATION_FAILED && verified.stream().noneMatch(v -> v.takenAt().isAfter(b.takenAt())
                        || v.sequence() > b.sequence()));
        assertThat(plan.kept()).allSatisfy(d -> assertThat(d.reasons()).as(context).isNotEmpty());

        // Applying the plan and planning again at the same time deletes nothing more.
        Set<JobId> gone = deleted.stream().map(StoredBackup::jobId).collect(Collectors.toSet());
        List<StoredBackup> after = history.stream().map(b -> gone.contains(b.jobId())
                ? new StoredBackup(b.jobId(), b.takenAt(), b.objectKey(), State.DELETED, b.legalHold(), b.sequence()) : b).toList();
        assertThat(RetentionPlanner.plan(policy, after, now).deleted()).as("a second run; " + context).isEmpty();
    }

    private static RetentionPolicy randomPolicy(Random random) {
        // Rules are often off, so the floor and the newest-backup rule are tested alone, not only behind the tiers.
        int daily = orZero(random, random.nextInt(10));
        int weekly = orZero(random, random.nextInt(6));
        int monthly = orZero(random, random.nextInt(13));
        int yearly = orZero(random, random.nextInt(4));
        int floor = random.nextInt(8);
        if (daily + weekly + monthly + yearly + floor == 0) {
            floor = 1;
        }
        return new RetentionPolicy(daily, weekly, monthly, yearly, random.nextInt(3) == 0 ? 0 : random.nextInt(15), floor);
    }

    private static int orZero(Random random, int value) {
        return random.nextInt(5) < 2 ? 0 : value;
    }

    private static List<StoredBackup> randomHistory(Random random) {
        int size = random.nextInt(250);
        List<StoredBackup> history = new ArrayList<>();
        Instant clock = Instant.parse("2023-01-01T03:00:00Z").plus(Duration.ofHours(random.nextInt(24 * 365)));
        for (int i = 0; i < size; i++) {
            int step = random.nextInt(100);
            if (step < 70) {
                clock = clock.plus(Duration.ofHours(24));
            } else if (step < 85) {
                clock = clock.plus(Duration.ofMinutes(1 + random.nextInt(600)));
            } else if (step < 92) {
                clock = clock.plus(Duration.ofDays(1 + random.nextInt(90))); // a gap, or a clock jumping ahead
            } else {
                clock = clock.minus(Duration.ofDays(random.nextInt(40))); // a clock set back
            }
            int state = random.nextInt(100);
            State s = state < 60 ? State.VERIFIED : state < 75 ? State.VERIFICATION_FAILED : state < 88 ? State.PENDING_VERIFICATION : State.DELETED;
            history.add(new StoredBackup(JobId.random(), clock, "t/" + i, s, random.nextInt(25) == 0, i));
        }
        return history;
    }

    private static StoredBackup backup(Instant takenAt, State state, long sequence) {
        return new StoredBackup(JobId.random(), takenAt, "target/" + sequence, state, false, sequence);
    }

    private static List<String> days(List<RetentionPlan.Decision> decisions) {
        return decisions.stream().map(d -> d.backup().takenAt().atZone(ZoneOffset.UTC).toLocalDate().toString()).toList();
    }
}
