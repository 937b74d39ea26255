package dev.vigil.pgclients;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A database's catalog as comparable text, taken the same way from a source (in the dump's
 * snapshot) and from its restore: one entry per object, keyed {@code kind object}, its value what
 * must match. Objects of extensions and system schemas are left out; so are owners and grants,
 * which a restore into a scratch database does not keep.
 *
 * <p>Kinds: {@code table} (columns with types, not-null, generated), {@code index}, {@code constraint},
 * {@code view}, {@code materialized view} (definitions), {@code function} (signature and a hash of
 * its source), {@code extension} (version), {@code sequence} (last value), {@code large objects} (count).
 */
public final class CatalogFingerprint {

    /** Entries whose restored value may be larger than the source's: sequences advance outside snapshots. */
    public static final String SEQUENCE = "sequence";

    private static final String USER_SCHEMA = "n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' "
            + "and n.nspname not like 'pg\\_temp%'";
    private static final String NOT_EXTENSION = "not exists (select 1 from pg_depend d where d.classid = '%s'::regclass and d.objid = %s and d.deptype = 'e')";

    private CatalogFingerprint() {
    }

    /**
     * @param schemaSelected which schemas the dump holds
     * @param withData       false for a schema-only dump, which holds no sequence values and no large objects
     * @param wholeDatabase  false when the dump is limited to some schemas: pg_dump then leaves out
     *                       extensions and large objects
     */
    public static Map<String, String> take(Connection connection, Predicate<String> schemaSelected, boolean withData, boolean wholeDatabase)
            throws SQLException {
        Map<String, String> entries = new TreeMap<>();
        try (Statement statement = connection.createStatement()) {
            collect(statement, entries, schemaSelected, "table", """
                    select n.nspname, c.relname, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                           || case when a.attnotnull then ' not null' else '' end
                           || case when a.attgenerated <> '' then ' generated' else '' end, ', ' order by a.attname)
                    from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                    where c.relkind in ('r', 'p') and %s and %s
                    group by n.nspname, c.relname""".formatted(USER_SCHEMA, NOT_EXTENSION.formatted("pg_class", "c.oid")));
            collect(statement, entries, schemaSelected, "index", """
                    select n.nspname, c.relname, pg_get_indexdef(c.oid)
                    from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where c.relkind in ('i', 'I') and %s and %s""".formatted(USER_SCHEMA, NOT_EXTENSION.formatted("pg_class", "c.oid")));
            collect(statement, entries, schemaSelected, "constraint", """
                    select n.nspname, t.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
                    from pg_constraint k join pg_class t on t.oid = k.conrelid join pg_namespace n on n.oid = t.relnamespace
                    where %s and %s""".formatted(USER_SCHEMA, NOT_EXTENSION.formatted("pg_class", "t.oid")));
            collect(statement, entries, schemaSelected, "view", """
                    select n.nspname, c.relname, pg_get_viewdef(c.oid)
                    from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where c.relkind = 'v' and %s and %s""".formatted(USER_SCHEMA, NOT_EXTENSION.formatted("pg_class", "c.oid")));
            collect(statement, entries, schemaSelected, "materialized view", """
                    select n.nspname, c.relname, pg_get_viewdef(c.oid)
                    from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where c.relkind = 'm' and %s and %s""".formatted(USER_SCHEMA, NOT_EXTENSION.formatted("pg_class", "c.oid")));
            collect(statement, entries, schemaSelected, "function", """
                    select n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                           'returns ' || coalesce(pg_get_function_result(p.oid), '-') || ', source md5 ' || md5(coalesce(p.prosrc, ''))
                    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                    where %s and %s""".formatted(USER_SCHEMA, NOT_EXTENSION.formatted("pg_proc", "p.oid")));
            if (wholeDatabase) {
                collect(statement, entries, schema -> true, "extension", """
                        select '', e.extname, e.extversion from pg_extension e where e.extname <> 'plpgsql'""");
            }
            collect(statement, entries, schemaSelected, SEQUENCE, """
                    select s.schemaname, s.sequencename, %s from pg_sequences s join pg_namespace n on n.nspname = s.schemaname
                    join pg_class c on c.relnamespace = n.oid and c.relname = s.sequencename
                    where %s and %s""".formatted(withData ? "coalesce(s.last_value, 0)::text" : "'-'", USER_SCHEMA,
                    NOT_EXTENSION.formatted("pg_class", "c.oid")));
            if (withData && wholeDatabase) {
                try (ResultSet rs = statement.executeQuery("select count(*) from pg_largeobject_metadata")) {
                    rs.next();
                    entries.put("large objects", String.valueOf(rs.getLong(1)));
                }
            }
        }
        return entries;
    }

    /**
     * Every way {@code found} differs from {@code expected}, one line each naming the object with
     * expected and found values. A sequence may have advanced: found at least expected is a match.
     */
    public static List<String> differences(Map<String, String> expected, Map<String, String> found) {
        List<String> differences = new ArrayList<>();
        Map<String, String> all = new LinkedHashMap<>(expected);
        found.forEach(all::putIfAbsent);
        for (String key : new TreeMap<>(all).keySet()) {
            String want = expected.get(key);
            String got = found.get(key);
            if (want == null) {
                differences.add(key + ": not in the source, found in the restore (" + got + ")");
            } else if (got == null) {
                differences.add(key + ": missing from the restore (expected " + want + ")");
            } else if (!want.equals(got) && !(key.startsWith(SEQUENCE + " ") && sequenceAdvanced(want, got))) {
                differences.add(key + ": expected " + want + ", found " + got);
            }
        }
        return differences;
    }

    private static boolean sequenceAdvanced(String expected, String found) {
        try {
            return Long.parseLong(found) >= Long.parseLong(expected);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void collect(Statement statement, Map<String, String> entries, Predicate<String> schemaSelected, String kind, String sql)
            throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                String schema = rs.getString(1);
                if (schema.isEmpty() || schemaSelected.test(schema)) {
                    entries.put(kind + " " + (schema.isEmpty() ? "" : schema + ".") + rs.getString(2), rs.getString(3));
                }
            }
        }
    }
}
