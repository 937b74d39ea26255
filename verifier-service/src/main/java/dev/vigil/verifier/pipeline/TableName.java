package dev.vigil.verifier.pipeline;

import dev.vigil.contracts.TableRowCount;

/**
 * A table as the comparison keys it: schema and name apart, so that table {@code "a.b"} of schema
 * {@code s} and table {@code b} of schema {@code "s.a"} (both {@code s.a.b} when joined by a dot)
 * stay two tables, and one's count can never stand for the other's.
 */
record TableName(String schema, String table) {

    static TableName of(TableRowCount count) {
        return new TableName(count.schema(), count.table());
    }

    /** {@code schema.table}, as messages name a table. */
    @Override
    public String toString() {
        return schema + "." + table;
    }
}
