package dev.vigil.notifier.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Monitoring;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThresholdsTest {

    private static final Duration DEFAULT = Duration.ofHours(25);

    @Test
    void aDailyTargetGetsTheDefaultAndAWeeklyOneItsIntervalPlusAnHour() {
        assertThat(Monitoring.DEFAULTS.freshnessLimit(DEFAULT)).isEqualTo(DEFAULT);
        assertThat(Monitoring.DEFAULTS.withScheduleInterval(86_400L).freshnessLimit(DEFAULT)).isEqualTo(DEFAULT);
        assertThat(Monitoring.DEFAULTS.withScheduleInterval(900L).freshnessLimit(DEFAULT)).isEqualTo(DEFAULT);
        assertThat(Monitoring.DEFAULTS.withScheduleInterval(7 * 86_400L).freshnessLimit(DEFAULT)).isEqualTo(Duration.ofHours(7 * 24 + 1));
    }

    @Test
    void aLimitSetOnTheTargetWinsWhateverItsSchedule() {
        Monitoring own = new Monitoring(7_200L, 7 * 86_400L, null, null, null, null, null);

        assertThat(own.freshnessLimit(DEFAULT)).isEqualTo(Duration.ofHours(2));
    }
}
