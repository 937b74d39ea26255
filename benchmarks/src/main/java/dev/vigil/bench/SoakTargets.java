package dev.vigil.bench;

import dev.vigil.local.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The soak benchmark's many small target databases on one cluster: a template database of a few
 * tables of a few hundred rows, generated once, and {@code soak_NNNN} copies of it made with
 * {@code create database ... template} (a file copy, a fraction of a second each). Databases already
 * there from an earlier run of the same size are kept.
 */
final class SoakTargets {

    private SoakTargets() {
    }

    /** Makes the missing ones of {@code count} target databases with {@code tables} tables of {@code rows} rows; answers them as the stack's targets. */
    static List<ProductStack.Target> ensure(LocalPostgres postgres, int count, int tables, int rows) throws Exception {
        String template = String.format(Locale.ROOT, "soak_template_%d_%d", tables, rows);
        Set<String> existing = new HashSet<>();
        try (Connection connection = postgres.connect("postgres");
                ResultSet rs = connection.createStatement().executeQuery("select datname from pg_database")) {
            while (rs.next()) {
                existing.add(rs.getString(1));
            }
        }
        if (!existing.contains(template)) {
            postgres.createDatabase(template);
            StringBuilder sql = new StringBuilder();
            for (int t = 1; t <= tables; t++) {
                // A key, a word, an amount, a timestamp, some JSON: small, but like a table, not like filler.
                sql.append(String.format(Locale.ROOT, """
                        create table items_%1$d (id bigint primary key, name text not null, amount numeric(12,2), created timestamptz, attributes jsonb);
                        insert into items_%1$d select i, md5(i::text || '%1$d'), (i * 7919 %% 100000) / 100.0,
                            timestamptz '2026-01-01' + i * interval '37 minutes', jsonb_build_object('n', i, 'tag', substr(md5(i::text), 1, 6))
                        from generate_series(1, %2$d) i;
                        """, t, rows));
            }
            postgres.execute(template, sql.toString());
        }
        List<ProductStack.Target> targets = new ArrayList<>();
        int made = 0;
        long started = System.nanoTime();
        for (int i = 1; i <= count; i++) {
            String database = String.format(Locale.ROOT, "soak_%d_%d_%04d", tables, rows, i);
            if (!existing.contains(database)) {
                // FILE_COPY: for a small database, copying its files beats writing every block to the WAL.
                postgres.execute("postgres", "create database " + database + " template " + template + " strategy = file_copy");
                made++;
            }
            targets.add(new ProductStack.Target(String.format(Locale.ROOT, "soak-%04d", i), database));
        }
        if (made > 0) {
            System.out.printf("made %d target databases in %.1f s%n", made, (System.nanoTime() - started) / 1e9);
        }
        return targets;
    }
}
