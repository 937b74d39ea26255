package dev.vigil.scheduler.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.TargetId;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SpreadTest {

    private static final Duration WINDOW = Duration.ofMinutes(10);

    @Test
    void aTargetsOffsetIsTheSameEveryTimeSoEveryReplicaAgrees() {
        assertThat(Spread.offset(new TargetId("orders-db"), WINDOW)).isEqualTo(Spread.offset(new TargetId("orders-db"), WINDOW));
    }

    @Test
    void targetsDueAtTheSameMinuteAreSpreadAcrossTheWindowAndNeverBeyondIt() {
        Set<Duration> offsets = new HashSet<>();
        IntStream.range(0, 200).mapToObj(i -> new TargetId("db-" + i)).forEach(id -> {
            Duration offset = Spread.offset(id, WINDOW);
            assertThat(offset).as("offset of %s", id).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(WINDOW);
            offsets.add(offset);
        });

        assertThat(offsets).as("200 targets, hardly any two together").hasSizeGreaterThan(190);
        assertThat(offsets).as("some in each half of the window")
                .anyMatch(offset -> offset.compareTo(WINDOW.dividedBy(2)) < 0)
                .anyMatch(offset -> offset.compareTo(WINDOW.dividedBy(2)) >= 0);
    }

    @Test
    void withoutAWindowEveryFiringRunsAtItsInstant() {
        assertThat(Spread.offset(new TargetId("orders-db"), Duration.ZERO)).isZero();
    }
}
