package dev.vigil.worker.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.local.LocalPostgres;
import dev.vigil.pgclients.RowCounts;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The source's exact row counts as the worker takes them: thousands of small tables a batch to a
 * statement, large ones one to a statement; every table's own count either way.
 */
class RowCountsTest {

    private static final String DATABASE = "row_counts_batched";
    private static final int SMALL_TABLES = 250;

    @BeforeAll
    static void source() {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase(DATABASE);
        StringBuilder sql = new StringBuilder("drop schema if exists \"Odd \"\"Schema\" cascade; create schema \"Odd \"\"Schema\";");
        for (int i = 0; i < SMALL_TABLES; i++) {
            // Table i holds i rows, so a count given to the wrong table shows.
            sql.append("create table \"Odd \"\"Schema\".\"t ").append(i).append("\" (id int);")
                    .append("insert into \"Odd \"\"Schema\".\"t ").append(i).append("\" select generate_series(1, ").append(i).append(");");
        }
        // About 11 MB once analyzed: past the batch size limit, so counted on its own.
        sql.append("create table \"Odd \"\"Schema\".big (id bigint, filler text);")
                .append("insert into \"Odd \"\"Schema\".big select g, 'xxxxxxxxxxxxxxxxxxxx' from generate_series(1, 200000) g;")
                .append("analyze \"Odd \"\"Schema\".big;");
        postgres.execute(DATABASE, sql.toString());
    }

    @Test
    void everyTableIsCountedExactlyWhetherBatchedOrOnItsOwn() throws Exception {
        Map<String, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < SMALL_TABLES; i++) {
            expected.put("Odd \"Schema.t " + i, (long) i);
        }
        expected.put("Odd \"Schema.big", 200_000L);

        try (Connection connection = LocalPostgres.shared().connect(DATABASE)) {
            assertThat(pages(connection)).as("the big table is past the batched tables' size").isGreaterThan(1024);
            connection.setAutoCommit(false);
            List<RowCounts.TableRows> counted = RowCounts.exact(connection, (schema, table) -> schema.equals("Odd \"Schema"), true);
            connection.rollback();

            Map<String, Long> found = new LinkedHashMap<>();
            counted.forEach(t -> found.put(t.qualifiedName(), t.rows()));
            assertThat(found).containsExactlyInAnyOrderEntriesOf(expected);
        }
    }

    private static long pages(Connection connection) throws Exception {
        try (var rs = connection.createStatement().executeQuery("select relpages from pg_class where relname = 'big'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
