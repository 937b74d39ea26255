package dev.vigil.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The cursor of the jobs list and the audit log: gives back the exact place, to the microsecond, and refuses anything it did not make. */
class PageCursorTest {

    @Test
    void aCursorGivesBackThePlaceItWasMadeFromAndIsSafeInAUrl() {
        PageCursor.Place position = new PageCursor.Place(Instant.parse("2026-12-01T10:15:30.123456Z"), UUID.randomUUID());

        String cursor = PageCursor.encode(position);

        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(PageCursor.decode(cursor)).isEqualTo(position);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not a cursor", "%%%", "MjAyNi0xMi0wMVQxMDoxNTozMFo"})
    void anythingElseIsRefusedSayingWhatToPass(String cursor) {
        assertThatThrownBy(() -> PageCursor.decode(cursor)).isInstanceOf(ApiException.class)
                .hasMessageContaining("pass the 'next' of the previous page unchanged");
    }

    @Test
    void aCursorWithAnUnreadableIdIsRefused() {
        String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString("2026-12-01T10:15:30Z job-7".getBytes());
        assertThatThrownBy(() -> PageCursor.decode(cursor)).isInstanceOf(ApiException.class);
    }
}
