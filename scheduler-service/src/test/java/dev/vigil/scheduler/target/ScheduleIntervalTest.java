package dev.vigil.scheduler.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ScheduleIntervalTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    /** A Monday; every test reads the same year ahead. */
    private static final Instant FROM = Instant.parse("2027-03-01T12:00:00Z");

    @Test
    void aDailyScheduleFiresEveryDay() {
        assertThat(longest("0 3 * * *", UTC)).isEqualTo(Duration.ofDays(1)).extracting(Duration::toSeconds).isEqualTo(86_400L);
    }

    @Test
    void aWeeklyScheduleFiresEverySevenDays() {
        assertThat(longest("0 3 * * 0", UTC)).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aMonthlyScheduleHasTheLongestMonthAsItsGap() {
        assertThat(longest("0 3 1 * *", UTC)).isEqualTo(Duration.ofDays(31));
    }

    @Test
    void anEveryQuarterHourScheduleStaysCheapAndFiresEveryFifteenMinutes() {
        assertThat(longest("*/15 * * * *", UTC)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void weekdaysOnlyHaveTheWeekendAsTheirGap() {
        assertThat(longest("0 3 * * 1-5", UTC)).isEqualTo(Duration.ofDays(3));
    }

    @Test
    void aDailyScheduleInAZoneWithDaylightSavingHasTheAutumnsLongerDay() {
        assertThat(longest("0 3 * * *", ZoneId.of("Europe/Berlin"))).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void aScheduleThatNeverFiresHasNoInterval() {
        assertThat(ScheduleInterval.longest("0 0 3 30 2 *", UTC, FROM)).isEmpty();
    }

    private static Duration longest(String fiveFieldCron, ZoneId zone) {
        return ScheduleInterval.longest(TargetsFile.normalizeCron("test", fiveFieldCron), zone, FROM).orElseThrow();
    }
}
