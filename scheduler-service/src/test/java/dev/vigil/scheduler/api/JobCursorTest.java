package dev.vigil.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.scheduler.job.JobPage;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The jobs list's cursor: gives back the exact place, to the microsecond, and refuses anything it did not make. */
class JobCursorTest {

    @Test
    void aCursorGivesBackThePlaceItWasMadeFromAndIsSafeInAUrl() {
        JobPage.Position position = new JobPage.Position(Instant.parse("2026-12-01T10:15:30.123456Z"), UUID.randomUUID());

        String cursor = JobCursor.encode(position);

        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(JobCursor.decode(cursor)).isEqualTo(position);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not a cursor", "%%%", "MjAyNi0xMi0wMVQxMDoxNTozMFo"})
    void anythingElseIsRefusedSayingWhatToPass(String cursor) {
        assertThatThrownBy(() -> JobCursor.decode(cursor)).isInstanceOf(ApiException.class)
                .hasMessageContaining("pass the 'next' of the previous page unchanged");
    }

    @Test
    void aCursorWithAnUnreadableIdIsRefused() {
        String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString("2026-12-01T10:15:30Z job-7".getBytes());
        assertThatThrownBy(() -> JobCursor.decode(cursor)).isInstanceOf(ApiException.class);
    }
}
