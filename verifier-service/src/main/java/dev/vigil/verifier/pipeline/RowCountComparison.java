package dev.vigil.verifier.pipeline;

import dev.vigil.contracts.TableCheck;
import dev.vigil.contracts.TableRowCount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Compares the row counts the dump worker took in the dump's snapshot with what the restore holds. */
final class RowCountComparison {

    /** Per-table checks, and one line per difference naming the table, expected and found. */
    record Result(List<TableCheck> tables, List<String> differences) {
    }

    private RowCountComparison() {
    }

    /**
     * @param expected as dumped
     * @param found    restored tables and their row counts
     */
    static Result compare(List<TableRowCount> expected, Map<TableName, Long> found) {
        List<TableCheck> checks = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        for (TableRowCount table : expected) {
            Long rows = found.get(TableName.of(table));
            TableCheck check = new TableCheck(table.schema(), table.table(), table.rows(), rows);
            checks.add(check);
            if (rows == null) {
                differences.add("table " + table.qualifiedName() + ": expected " + table.rows() + " rows, missing from the restore");
            } else if (!check.matches()) {
                differences.add("table " + table.qualifiedName() + ": expected " + table.rows() + " rows, found " + rows);
            }
        }
        java.util.Set<TableName> expectedNames = expected.stream().map(TableName::of).collect(java.util.stream.Collectors.toSet());
        found.keySet().stream().filter(name -> !expectedNames.contains(name))
                .sorted(java.util.Comparator.comparing(TableName::schema).thenComparing(TableName::table))
                .forEach(name -> differences.add("table " + name + ": not in the source's table list, found in the restore"));
        return new Result(checks, differences);
    }
}
