package dev.vigil.local;

import dev.vigil.pgclients.RowCounts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
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

    /** Exact row counts of every dumped table, keyed {@code schema.table}, counted as Vigil counts them. */
    public static Map<String, Long> rowCounts(LocalPostgres postgres, String database) {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = postgres.connect(database)) {
            RowCounts.exact(connection).forEach(t -> counts.put(t.qualifiedName(), t.rows()));
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
