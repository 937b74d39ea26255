package dev.vigil.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** Vigil's demo database (a small shop with awkward names and table kinds), loaded into a local cluster. */
public final class DemoDatabase {

    private DemoDatabase() {
    }

    /** Creates {@code database} if needed and (re)loads the demo data into it. */
    public static void load(LocalPostgres postgres, String database) {
        postgres.createDatabase(database);
        postgres.execute(database, script());
    }

    /** Exact row counts of every ordinary table, keyed {@code schema.table}, as a check reads them. */
    public static Map<String, Long> rowCounts(LocalPostgres postgres, String database) {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = postgres.connect(database); Statement statement = connection.createStatement()) {
            Map<String, String> tables = new LinkedHashMap<>();
            try (ResultSet rs = statement.executeQuery("""
                    select n.nspname, c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname)
                    from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') order by 1, 2""")) {
                while (rs.next()) {
                    tables.put(rs.getString(1) + "." + rs.getString(2), rs.getString(3));
                }
            }
            for (Map.Entry<String, String> table : tables.entrySet()) {
                try (ResultSet rs = statement.executeQuery("select count(*) from only " + table.getValue())) {
                    rs.next();
                    counts.put(table.getKey(), rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count rows in " + database, e);
        }
        return counts;
    }

    private static String script() {
        try (InputStream in = DemoDatabase.class.getResourceAsStream("/demo/shop.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
