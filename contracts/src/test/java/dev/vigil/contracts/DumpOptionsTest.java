package dev.vigil.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DumpOptionsTest {

    @Test
    void includedTablesFollowSchemaAndTableListsWithExclusionsWinning() {
        DumpOptions options = new DumpOptions("custom", List.of("sales", "public"), List.of("public"), List.of(), List.of("sales.audit"), false);

        assertThat(options.includes("sales", "orders")).isTrue();
        assertThat(options.includes("sales", "audit")).isFalse();
        assertThat(options.includes("public", "users")).isFalse();
        assertThat(options.includes("hr", "staff")).isFalse();
        assertThat(DumpOptions.defaults().includes("any", "thing")).isTrue();
    }

    @Test
    void wildcardsBadNamesAndUnknownFormatsAreRefusedSayingWhatIsExpected() {
        assertThatThrownBy(() -> new DumpOptions("custom", List.of("sal*"), null, null, null, false)).hasMessageContaining("exact names, no wildcards");
        assertThatThrownBy(() -> new DumpOptions("custom", null, null, List.of("orders"), null, false)).hasMessageContaining("schema.table");
        assertThatThrownBy(() -> new DumpOptions("tar", null, null, null, null, false)).hasMessageContaining("[custom, directory, plain]");
        assertThatThrownBy(() -> new DumpOptions("custom", null, null, null, null, false, 4)).hasMessageContaining("set format: directory");
        assertThat(new DumpOptions("directory", null, null, null, null, false).jobs()).isEqualTo(2);
    }
}
