package dev.vigil.pgclients;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Exact row counts of the tables whose data pg_dump dumps: ordinary tables (partitions and
 * inheritance children included, each counted {@code ONLY} itself), outside the system schemas and
 * not owned by an extension. The dump worker counts the source and the verifier the restore with
 * this one definition, so the two sides can only differ when the data does.
 */
public final class RowCounts {

    /** One table's exact row count. */
    public record TableRows(String schema, String table, long rows) {

        public String qualifiedName() {
            return schema + "." + table;
        }
    }

    /**
     * The relations pg_dump dumps, as a condition on {@code c} (pg_class) and {@code n} (its
     * pg_namespace): outside the system schemas, not owned by an extension. Ends with a line break.
     */
    public static final String DUMPED_RELATION = """
            n.nspname not in ('pg_catalog', 'information_schema')
              and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
              and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
            """;

    /**
     * Tables of fewer pages than this (8 MB, by {@code relpages}, the size when last vacuumed or analyzed) are counted
     * {@value #BATCH} to a statement: with thousands of small tables the round trips, not the counting, took the time.
     * Larger ones are counted one to a statement, so a statement timeout bounds each.
     */
    private static final int SMALL_PAGES = 1024;
    /** Small tables counted in one statement. */
    public static final int BATCH = 100;

    private static final String DUMPED_TABLES = """
            select n.nspname, c.relname, c.relpages from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind = 'r'
              and %s order by 1, 2""".formatted(DUMPED_RELATION);

    private RowCounts() {
    }

    /** Counts every dumped table, in the caller's transaction (and so in its snapshot), ordered by schema and table. */
    public static List<TableRows> exact(Connection connection) throws SQLException {
        return exact(connection, (schema, table) -> true, true);
    }

    /**
     * Counts the dumped tables {@code selected} accepts; with {@code withRows} false (a schema-only
     * dump) each counts zero, which is what the dump holds.
     */
    public static List<TableRows> exact(Connection connection, BiPredicate<String, String> selected, boolean withRows) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        List<Integer> small = new ArrayList<>();
        List<Integer> large = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(DUMPED_TABLES)) {
            while (rs.next()) {
                String[] table = {rs.getString(1), rs.getString(2)};
                if (selected.test(table[0], table[1])) {
                    (rs.getLong(3) < SMALL_PAGES ? small : large).add(tables.size());
                    tables.add(table);
                }
            }
        }
        long[] rows = new long[tables.size()];
        if (withRows) {
            long[] counted = count(connection, small.stream().map(tables::get).toList());
            for (int i = 0; i < counted.length; i++) {
                rows[small.get(i)] = counted[i];
            }
            for (int i : large) {
                rows[i] = count(connection, tables.get(i)[0], tables.get(i)[1]);
            }
        }
        List<TableRows> counts = new ArrayList<>(tables.size());
        for (int i = 0; i < tables.size(); i++) {
            counts.add(new TableRows(tables.get(i)[0], tables.get(i)[1], rows[i]));
        }
        return counts;
    }

    /**
     * The exact rows of each of {@code tables} ({schema, table} pairs), in their order, {@value #BATCH} to a
     * statement: one round trip per batch instead of one per table.
     */
    public static long[] count(Connection connection, List<String[]> tables) throws SQLException {
        long[] rows = new long[tables.size()];
        try (Statement statement = connection.createStatement()) {
            for (int from = 0; from < tables.size(); from += BATCH) {
                List<String[]> batch = tables.subList(from, Math.min(tables.size(), from + BATCH));
                StringBuilder sql = new StringBuilder("select ");
                for (int i = 0; i < batch.size(); i++) {
                    sql.append(i == 0 ? "" : ", ").append("(select count(*) from only ").append(quote(batch.get(i)[0])).append('.')
                            .append(quote(batch.get(i)[1])).append(')');
                }
                try (ResultSet rs = statement.executeQuery(sql.toString())) {
                    rs.next();
                    for (int i = 0; i < batch.size(); i++) {
                        rows[from + i] = rs.getLong(i + 1);
                    }
                }
            }
        }
        return rows;
    }

    /** The exact rows of one table, not of its children (each of them is counted as a table of its own). */
    public static long count(Connection connection, String schema, String table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return count(statement, schema, table);
        }
    }

    private static long count(Statement statement, String schema, String table) throws SQLException {
        try (ResultSet rs = statement.executeQuery("select count(*) from only " + quote(schema) + "." + quote(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A SQL identifier, double-quoted so mixed case, spaces and unicode survive. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
