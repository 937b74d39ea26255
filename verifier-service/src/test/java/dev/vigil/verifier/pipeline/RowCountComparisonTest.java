package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.TableRowCount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowCountComparisonTest {

    @Test
    void exactEqualityHasNoDifferences() {
        RowCountComparison.Result result = RowCountComparison.compare(
                List.of(new TableRowCount("public", "a", 3), new TableRowCount("s", "Mixed Case", 0)),
                Map.of(new TableName("public", "a"), 3L, new TableName("s", "Mixed Case"), 0L));

        assertThat(result.differences()).isEmpty();
        assertThat(result.tables()).allSatisfy(t -> assertThat(t.matches()).isTrue());
    }

    @Test
    void everyDifferenceNamesTheTableExpectedAndFound() {
        Map<TableName, Long> found = new LinkedHashMap<>();
        found.put(new TableName("public", "a"), 2L);
        found.put(new TableName("public", "extra"), 5L);

        RowCountComparison.Result result = RowCountComparison.compare(
                List.of(new TableRowCount("public", "a", 3), new TableRowCount("public", "gone", 1)), found);

        assertThat(result.differences()).containsExactly(
                "table public.a: expected 3 rows, found 2",
                "table public.gone: expected 1 rows, missing from the restore",
                "table public.extra: not in the source's table list, found in the restore");
    }

    @Test
    void twoTablesWhoseNamesJoinedByADotAreTheSameStayTwoTables() {
        // Table "a.b" of schema s, and table b of schema "s.a": both s.a.b once joined. The restore lost the first.
        RowCountComparison.Result result = RowCountComparison.compare(
                List.of(new TableRowCount("s", "a.b", 7), new TableRowCount("s.a", "b", 7)),
                Map.of(new TableName("s.a", "b"), 7L));

        assertThat(result.differences()).containsExactly("table s.a.b: expected 7 rows, missing from the restore");
        assertThat(result.tables()).extracting(t -> t.schema() + "|" + t.table() + "|" + t.foundRows())
                .containsExactly("s|a.b|null", "s.a|b|7");
    }
}
