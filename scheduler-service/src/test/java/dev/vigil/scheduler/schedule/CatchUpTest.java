package dev.vigil.scheduler.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

class CatchUpTest {

    private static final CronExpression NIGHTLY = CronExpression.parse("0 0 3 * * *");
    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void aSchedulerDownAcrossThreeNightsCatchesUpOnceForTheNewestNightItMissed() {
        assertThat(CatchUp.missed(NIGHTLY, UTC, Instant.parse("2026-11-27T03:00:00Z"), Instant.parse("2026-11-30T05:10:00Z")))
                .hasValue(Instant.parse("2026-11-30T03:00:00Z"));
    }

    @Test
    void nothingWasMissedBeforeTheNextFiringWasDueNorOnAFirstStart() {
        assertThat(CatchUp.missed(NIGHTLY, UTC, Instant.parse("2026-11-30T03:00:00Z"), Instant.parse("2026-12-01T02:59:59Z"))).isEmpty();
        assertThat(CatchUp.missed(NIGHTLY, UTC, null, Instant.parse("2026-12-01T05:00:00Z"))).as("never fired here: nothing to catch up").isEmpty();
    }

    @Test
    void aFiringDueExactlyNowCountsAsMissedAndTheScheduleTimeZoneIsHonoured() {
        assertThat(CatchUp.missed(NIGHTLY, UTC, Instant.parse("2026-11-29T03:00:00Z"), Instant.parse("2026-11-30T03:00:00Z")))
                .hasValue(Instant.parse("2026-11-30T03:00:00Z"));
        assertThat(CatchUp.missed(NIGHTLY, ZoneId.of("Europe/Berlin"), Instant.parse("2026-11-28T02:00:00Z"), Instant.parse("2026-11-30T05:00:00Z")))
                .as("03:00 in Berlin is 02:00 UTC in winter").hasValue(Instant.parse("2026-11-30T02:00:00Z"));
    }

    @Test
    void aScheduleThatFiresEverySecondAndOneThatFiresMonthlyAreBothFound() {
        assertThat(CatchUp.missed(CronExpression.parse("*/2 * * * * *"), UTC, Instant.parse("2026-11-30T10:00:00Z"), Instant.parse("2026-11-30T10:00:09.5Z")))
                .hasValue(Instant.parse("2026-11-30T10:00:08Z"));
        assertThat(CatchUp.missed(CronExpression.parse("0 0 3 1 * *"), UTC, Instant.parse("2026-09-01T03:00:00Z"), Instant.parse("2026-11-20T00:00:00Z")))
                .hasValue(Instant.parse("2026-11-01T03:00:00Z"));
        assertThat(CatchUp.missed(CronExpression.parse("0 0 3 1 1 *"), UTC, Instant.parse("2024-01-01T03:00:00Z"), Instant.parse("2026-11-20T00:00:00Z")))
                .as("a yearly schedule down for almost three years").hasValue(Instant.parse("2026-01-01T03:00:00Z"));
    }

    @Test
    void aBackupVerifiedSinceTheMissedFiringMakesTheCatchUpUnneededAnOlderOneDoesNot() {
        Instant missed = Instant.parse("2026-11-30T03:00:00Z");
        assertThat(CatchUp.recentEnough(Instant.parse("2026-11-30T04:12:00Z"), missed)).isTrue();
        assertThat(CatchUp.recentEnough(Instant.parse("2026-11-29T03:05:00Z"), missed)).isFalse();
        assertThat(CatchUp.recentEnough(null, missed)).isFalse();
    }
}
