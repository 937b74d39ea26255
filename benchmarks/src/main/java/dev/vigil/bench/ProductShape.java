package dev.vigil.bench;

import dev.vigil.local.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One database shape of the whole-product benchmark: a name (also the target's id), the SQL in
 * {@code bench/} that generates it, and that script's parameters. Each shape and size has a database
 * of its own, named after both, so sizes never mix and {@code BENCH_REUSE} finds only its own.
 */
record ProductShape(String name, String script, Map<String, Long> parameters) {

    static final List<String> NAMES = List.of("order-history", "wide", "many-tables");

    /**
     * The shape by name, sized by environment: BENCH_SCALE (default 1) multiplies every default row count;
     * BENCH_ORDERS, BENCH_WIDE_ROWS, BENCH_TABLES and BENCH_TABLE_ROWS set one outright.
     */
    static ProductShape of(String name, Map<String, String> env) {
        double scale = Double.parseDouble(env.getOrDefault("BENCH_SCALE", "1"));
        return switch (name) {
            case "order-history" -> orderHistory(number(env, "BENCH_ORDERS", Math.round(2_400_000 * scale)));
            case "wide" -> new ProductShape(name, "wide.sql", Map.of("ROWS", number(env, "BENCH_WIDE_ROWS", Math.round(8_000_000 * scale))));
            case "many-tables" -> new ProductShape(name, "many-tables.sql", ordered("TABLES", number(env, "BENCH_TABLES", 3000),
                    "SCHEMAS", 6, "ROWS", number(env, "BENCH_TABLE_ROWS", Math.max(1, Math.round(300 * scale)))));
            default -> throw new IllegalArgumentException("no shape " + name + "; shapes: " + NAMES);
        };
    }

    /** The order history (the stage benchmarks' generate.sql) with {@code orders} orders, about 600 bytes each. */
    static ProductShape orderHistory(long orders) {
        return new ProductShape("order-history", "generate.sql", Map.of("ORDERS", orders));
    }

    /** The database holding this shape at this size. */
    String database() {
        StringBuilder name = new StringBuilder("product_" + this.name.replace('-', '_'));
        parameters.values().forEach(value -> name.append('_').append(value));
        return name.toString();
    }

    /** What generated it, as the database's comment records it: a database without it was not generated to the end. */
    String recipe() {
        return script + " " + parameters;
    }

    /** Generates the database unless {@code reuse} and it is there, complete; answers its size in bytes. */
    long ensure(LocalPostgres postgres, boolean reuse) throws Exception {
        if (!reuse || !recipe().equals(comment(postgres))) {
            System.out.printf("generating %s (%s) in database %s...%n", name, parameters, database());
            long started = System.nanoTime();
            postgres.execute("postgres", "drop database if exists " + database() + " with (force)");
            postgres.createDatabase(database());
            String sql = sql();
            for (Map.Entry<String, Long> parameter : parameters.entrySet()) {
                sql = sql.replace(":" + parameter.getKey(), String.valueOf(parameter.getValue()));
            }
            postgres.execute(database(), sql);
            postgres.execute(database(), "analyze");
            postgres.execute("postgres", "comment on database " + database() + " is '" + recipe() + "'");
            System.out.printf("generated in %.0f s%n", (System.nanoTime() - started) / 1e9);
        }
        try (var connection = postgres.connect(database());
             ResultSet rs = connection.createStatement().executeQuery("select pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The tables of the database, schema-qualified and quoted, as {@code count(*)} names them. */
    List<String> tables(LocalPostgres postgres) throws Exception {
        List<String> tables = new ArrayList<>();
        try (var connection = postgres.connect(database()); ResultSet rs = connection.createStatement().executeQuery(
                "select quote_ident(schemaname) || '.' || quote_ident(tablename) from pg_tables "
                        + "where schemaname not in ('pg_catalog', 'information_schema') order by 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private String comment(LocalPostgres postgres) throws Exception {
        try (var connection = postgres.connect("postgres"); var statement = connection.prepareStatement(
                "select shobj_description(oid, 'pg_database') from pg_database where datname = ?")) {
            statement.setString(1, database());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private String sql() throws IOException {
        try (InputStream in = ProductShape.class.getResourceAsStream("/bench/" + script)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long number(Map<String, String> env, String variable, long otherwise) {
        return env.containsKey(variable) ? Long.parseLong(env.get(variable)) : otherwise;
    }

    private static Map<String, Long> ordered(Object... pairs) {
        Map<String, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], ((Number) pairs[i + 1]).longValue());
        }
        return map;
    }
}
