package dev.vigil.notifier.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PeriodTest {

    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");
    private static final Duration LONGEST = Duration.ofDays(400);

    @Test
    void withoutFromAndToItIsTheSevenDaysBeforeNow() {
        assertThat(Period.parse(null, "", NOW, LONGEST)).isEqualTo(new Period(Instant.parse("2026-11-30T08:00:00Z"), NOW));
    }

    @Test
    void aDateIsItsMidnightUtcAndAnInstantMayCarryAnOffset() {
        assertThat(Period.parse("2026-11-01", "2026-12-01", NOW, LONGEST))
                .isEqualTo(new Period(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")));
        assertThat(Period.parse("2026-11-01T02:00:00+02:00", null, NOW, LONGEST).from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(Period.parse("2026-11-01", null, NOW, LONGEST).to()).as("to defaults to now, not to a week after from").isEqualTo(NOW);
    }

    @Test
    void aPeriodThatIsEmptyBackwardsTooLongOrUnreadableIsRefusedSayingWhy() {
        assertThatThrownBy(() -> Period.parse("2026-12-01", "2026-12-01", NOW, LONGEST)).hasMessageContaining("must be before to");
        assertThatThrownBy(() -> Period.parse("2026-12-02", "2026-12-01", NOW, LONGEST)).hasMessageContaining("must be before to");
        assertThatThrownBy(() -> Period.parse("2025-01-01", "2026-12-01", NOW, LONGEST)).hasMessageContaining("longer than 400 days");
        assertThatThrownBy(() -> Period.parse("01/11/2026", null, NOW, LONGEST))
                .hasMessage("from must be an ISO-8601 instant (2026-11-01T00:00:00Z) or date (2026-11-01), got: 01/11/2026");
        assertThatThrownBy(() -> Period.parse(null, "tomorrow", NOW, LONGEST)).hasMessageStartingWith("to must be an ISO-8601 instant");
    }

    @Test
    void itNamesItsDaysForPeopleAndFiles() {
        assertThat(new Period(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")).days())
                .as("a period ending at midnight ends the day before").isEqualTo("2026-11-01 – 2026-11-30");
        assertThat(Period.weekBefore(NOW).days()).isEqualTo("2026-11-30 – 2026-12-07");
        assertThat(Period.weekBefore(NOW).fileLabel()).isEqualTo("20261130T080000Z-20261207T080000Z");
    }
}
