package dev.vigil.storage.recheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.JobId;
import dev.vigil.storage.recheck.MonthlySample.Candidate;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of the monthly sample, without Spring. */
class MonthlySampleTest {

    private static final Instant T = Instant.parse("2026-11-01T03:00:00Z");

    @Test
    void theOldestByStoringOrderIsChosenWhateverItsClockSays() {
        Candidate first = new Candidate(JobId.random(), T.plusSeconds(86_400), 1, true, true);
        Candidate second = new Candidate(JobId.random(), T, 2, true, true);

        assertThat(MonthlySample.choose(List.of(second, first))).contains(first);
    }

    @Test
    void aBackupNeverVerifiedOrWithACopyFoundWantingIsPassedOver() {
        Candidate pending = new Candidate(JobId.random(), T, 1, false, true);
        Candidate damaged = new Candidate(JobId.random(), T, 2, true, false);
        Candidate good = new Candidate(JobId.random(), T, 3, true, true);

        assertThat(MonthlySample.choose(List.of(pending, damaged, good))).contains(good);
        assertThat(MonthlySample.choose(List.of(pending, damaged))).isEmpty();
    }

    @Test
    void theMonthIsTheCalendarMonthInUtc() {
        assertThat(MonthlySample.month(Instant.parse("2026-11-30T23:59:59Z"))).isEqualTo(YearMonth.of(2026, 11));
        assertThat(MonthlySample.month(Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(YearMonth.of(2026, 12));
    }
}
