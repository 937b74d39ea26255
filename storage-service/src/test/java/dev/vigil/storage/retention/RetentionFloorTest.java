package dev.vigil.storage.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.storage.backups.StoredBackup;
import dev.vigil.storage.backups.StoredBackup.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionFloorTest {

    private static final Instant NOW = Instant.parse("2026-11-21T04:00:00Z");
    private static final RetentionFloor FLOOR = new RetentionFloor(2, 1, 1);

    @Test
    void aPolicyThatKeepsAlmostNothingIsRaisedFieldByFieldAndSaysWhich() {
        RetentionFloor.Applied applied = FLOOR.apply(new RetentionPolicy(0, 0, 0, 0, 0, 1));

        assertThat(applied.policy()).isEqualTo(new RetentionPolicy(1, 0, 0, 0, 1, 2));
        assertThat(applied.raised()).containsExactly("daily 0 -> 1", "keepWithinDays 0 -> 1", "minVerified 1 -> 2");
        assertThat(applied.wasRaised()).isTrue();
    }

    @Test
    void aPolicyAtOrAboveTheFloorIsLeftAsItIs() {
        RetentionFloor.Applied applied = FLOOR.apply(RetentionPolicy.DEFAULTS);

        assertThat(applied.policy()).isSameAs(RetentionPolicy.DEFAULTS);
        assertThat(applied.raised()).isEmpty();
        assertThat(FLOOR.apply(new RetentionPolicy(1, 0, 0, 0, 1, 2)).wasRaised()).isFalse();
    }

    @Test
    void onlyTheFieldsBelowTheFloorAreRaised() {
        RetentionFloor.Applied applied = FLOOR.apply(new RetentionPolicy(14, 0, 6, 0, 0, 5));

        assertThat(applied.policy()).isEqualTo(new RetentionPolicy(14, 0, 6, 0, 1, 5));
        assertThat(applied.raised()).containsExactly("keepWithinDays 0 -> 1");
    }

    @Test
    void aFloorThatKeepsNoVerifiedBackupIsRefused() {
        assertThatThrownBy(() -> new RetentionFloor(0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("floor.min-verified must be 1 or more");
        assertThatThrownBy(() -> new RetentionFloor(2, -1, 1)).hasMessageContaining("0 or more");
    }

    @Test
    void underTheFloorAKeepOnePolicyStillKeepsTheTwoNewestVerifiedAndEverythingOfTheLastDay() {
        List<StoredBackup> backups = new ArrayList<>();
        for (int day = 10; day >= 1; day--) {
            backups.add(backup(NOW.minus(Duration.ofDays(day)), State.VERIFIED, 10 - day));
        }
        // Of the last day: one that failed verification, then a verified one.
        backups.add(backup(NOW.minus(Duration.ofHours(20)), State.VERIFICATION_FAILED, 10));
        backups.add(backup(NOW.minus(Duration.ofHours(2)), State.VERIFIED, 11));

        RetentionPlan forged = RetentionPlanner.plan(new RetentionPolicy(0, 0, 0, 0, 0, 1), backups, NOW);
        RetentionPlan floored = RetentionPlanner.plan(FLOOR.apply(new RetentionPolicy(0, 0, 0, 0, 0, 1)).policy(), backups, NOW);

        assertThat(forged.kept()).as("without the floor").extracting(d -> d.backup().sequence()).containsExactly(11L);
        assertThat(floored.kept()).extracting(d -> d.backup().sequence()).containsExactly(11L, 10L, 9L);
        assertThat(floored.kept().get(1).reasons()).containsExactly("taken within 1 days");
        assertThat(floored.kept().get(2).reasons()).containsExactly("floor of 2 verified backups");
    }

    @Test
    void theNewestVerifiedBackupIsNeverDeletedWhateverThePolicy() {
        List<StoredBackup> backups = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            backups.add(backup(NOW.minus(Duration.ofDays(400 - i * 13L)), i % 3 == 0 ? State.VERIFICATION_FAILED : State.VERIFIED, i));
        }
        StoredBackup newestVerified = backups.stream().filter(b -> b.state() == State.VERIFIED).reduce((a, b) -> b).orElseThrow();
        for (RetentionPolicy policy : List.of(new RetentionPolicy(0, 0, 0, 0, 0, 1), new RetentionPolicy(1, 0, 0, 0, 0, 0),
                new RetentionPolicy(0, 0, 0, 1, 0, 0))) {
            RetentionPlan plan = RetentionPlanner.plan(FLOOR.apply(policy).policy(), backups, NOW);

            assertThat(plan.deleted()).as(policy.toString()).noneMatch(d -> d.backup().equals(newestVerified));
            assertThat(plan.kept()).as(policy.toString()).filteredOn(d -> d.backup().state() == State.VERIFIED).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    private static StoredBackup backup(Instant takenAt, State state, long sequence) {
        return new StoredBackup(JobId.random(), takenAt, "target/" + sequence, state, false, sequence);
    }
}
