package dev.vigil.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.json.EventJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the backup API accepts as a note, without Spring: one line of printable text of at most 500 characters. */
class BackupNoteTest {

    @Test
    void noBodyNoNoteAndABlankNoteAreAllNoNote() {
        assertThat(BackupNote.from(null)).isNull();
        assertThat(BackupNote.from(EventJson.mapper().readTree("{}"))).isNull();
        assertThat(BackupNote.from(EventJson.mapper().readTree("{\"note\": \" \\t \"}"))).isNull();
    }

    @Test
    void aNoteIsKeptAsWrittenAndItsLengthCountsCharactersNotUtf16Units() {
        assertThat(BackupNote.checked(" before the billing migration (Zoë) ")).isEqualTo(" before the billing migration (Zoë) ");
        String fiveHundredEmoji = "\uD83D\uDCBE".repeat(500);
        assertThat(BackupNote.checked(fiveHundredEmoji)).isEqualTo(fiveHundredEmoji);
        assertThatThrownBy(() -> BackupNote.checked(fiveHundredEmoji + "x")).hasMessageContaining("note has 501 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\tb", "a\rb", "a\u0000b", "a\u007fb", "a\u0085b", "a\u2028b", "a\u2029b", "a\uD800b"})
    void controlCharactersLineBreaksAndBrokenCharactersAreRefusedWithWhere(String note) {
        assertThatThrownBy(() -> BackupNote.checked(note)).isInstanceOf(ApiException.class).hasMessageContaining("at character 2");
    }
}
