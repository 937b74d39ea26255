package dev.vigil.verifier.verify;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.SqlCheck;
import dev.vigil.pgclients.CatalogFingerprint;
import dev.vigil.pgclients.RowCounts;
import dev.vigil.verifier.VerifierProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A throwaway database on the scratch server for one verification; dropped on close, whatever happened. */
final class ScratchDatabase implements AutoCloseable {

    /** Every scratch database's name starts with this, so leftovers are recognisable. */
    static final String PREFIX = "vigil_verify_";

    private final VerifierProperties.Scratch server;
    private final String name;

    private ScratchDatabase(VerifierProperties.Scratch server, String name) {
        this.server = server;
        this.name = name;
    }

    /** A name fit for a database name: lower-case letters and digits, at most 16. */
    static String instance(String instanceId) {
        String cleaned = instanceId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return cleaned.isEmpty() ? "verifier" : cleaned.substring(0, Math.min(16, cleaned.length()));
    }

    static ScratchDatabase create(VerifierProperties.Scratch server, String instance, JobId jobId) throws SQLException {
        String name = PREFIX + instance + "_" + jobId.value().toString().replace("-", "");
        try (Connection connection = connect(server, server.maintenanceDatabase()); Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
            statement.execute("create database " + name);
        }
        return new ScratchDatabase(server, name);
    }

    String name() {
        return name;
    }

    /** The verification server's major version. */
    static int serverMajor(VerifierProperties.Scratch server) throws SQLException {
        try (Connection connection = connect(server, server.maintenanceDatabase())) {
            return serverMajor(connection);
        }
    }

    /** The major version of the server {@code connection} is connected to. */
    static int serverMajor(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); var rs = statement.executeQuery("show server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10000;
        }
    }

    /**
     * Drops the scratch databases this instance left behind (a crash, a kill) and answers their
     * names; other instances' are left alone, as they may be restoring right now.
     */
    static List<String> dropLeftovers(VerifierProperties.Scratch server, String instance) throws SQLException {
        List<String> dropped = new ArrayList<>();
        try (Connection connection = connect(server, server.maintenanceDatabase()); Statement statement = connection.createStatement()) {
            List<String> names = new ArrayList<>();
            try (var rs = statement.executeQuery("select datname from pg_database where datname like '"
                    + PREFIX.replace("_", "\\_") + instance + "\\_%'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String name : names) {
                statement.execute("drop database if exists " + name + " with (force)");
                dropped.add(name);
            }
        }
        return dropped;
    }

    /**
     * Exact row counts of every restored table, keyed {@code schema.table}, counted as the dump worker
     * counted the source, on {@code connections} connections at once, largest tables first.
     */
    Map<String, Long> countRows(int connections) throws SQLException, InterruptedException {
        List<RowCounts.TableRows> tables;
        Map<String, Long> bytes = new java.util.HashMap<>();
        try (Connection connection = connect(server, name); Statement statement = connection.createStatement()) {
            tables = RowCounts.exact(connection, (schema, table) -> true, false);
            try (var rs = statement.executeQuery("select n.nspname || '.' || c.relname, pg_relation_size(c.oid) from pg_class c "
                    + "join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p')")) {
                while (rs.next()) {
                    bytes.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        java.util.concurrent.ConcurrentLinkedQueue<RowCounts.TableRows> queue = new java.util.concurrent.ConcurrentLinkedQueue<>(tables.stream()
                .sorted(java.util.Comparator.comparingLong((RowCounts.TableRows t) -> bytes.getOrDefault(t.qualifiedName(), 0L)).reversed()).toList());
        Map<String, Long> found = new java.util.concurrent.ConcurrentHashMap<>();
        List<java.util.concurrent.FutureTask<Void>> counters = new ArrayList<>();
        for (int i = 0; i < Math.max(1, Math.min(connections, tables.size())); i++) {
            java.util.concurrent.FutureTask<Void> counter = new java.util.concurrent.FutureTask<>(() -> {
                try (Connection connection = connect(server, name)) {
                    for (RowCounts.TableRows table; (table = queue.poll()) != null; ) {
                        found.put(table.qualifiedName(), RowCounts.count(connection, table.schema(), table.table()));
                    }
                }
                return null;
            });
            counters.add(counter);
            Thread.ofVirtual().start(counter);
        }
        for (var counter : counters) {
            try {
                counter.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
        // In the order the tables are listed, as the worker lists them.
        Map<String, Long> counts = new LinkedHashMap<>();
        tables.forEach(t -> counts.put(t.qualifiedName(), found.get(t.qualifiedName())));
        return counts;
    }

    /** The restored catalog, read as the source's was ({@code withData}, {@code wholeDatabase} as the dump says). */
    Map<String, String> catalog(boolean withData, boolean wholeDatabase) throws SQLException {
        try (Connection connection = connect(server, name)) {
            return CatalogFingerprint.take(connection, schema -> true, withData, wholeDatabase);
        }
    }

    /**
     * Runs one of the target's checks, read-only and bounded by {@code timeout}: it passes when it
     * answers one row with one boolean column that is true.
     */
    CheckResult check(SqlCheck check, java.time.Duration timeout) {
        try (Connection connection = connect(server, name)) {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("set local statement_timeout = " + Math.max(1, timeout.toMillis()));
                try (var rs = statement.executeQuery(check.sql())) {
                    if (!rs.next()) {
                        return new CheckResult(check.name(), false, "answered no row; a check must answer one row with one boolean");
                    }
                    if (rs.getMetaData().getColumnCount() != 1 || !(rs.getObject(1) instanceof Boolean answer)) {
                        return new CheckResult(check.name(), false, "answered " + describe(rs) + ", not one boolean; write e.g. select count(*) > 0 from …");
                    }
                    if (rs.next()) {
                        return new CheckResult(check.name(), false, "answered more than one row; a check must answer one row with one boolean");
                    }
                    return new CheckResult(check.name(), answer, answer ? "answered true" : "answered false");
                }
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip().lines().findFirst().orElse("");
            return new CheckResult(check.name(), false, "raised: " + message);
        }
    }

    private static String describe(java.sql.ResultSet rs) throws SQLException {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            values.add(String.valueOf(rs.getObject(i)));
        }
        return values.size() == 1 ? values.getFirst() : values.toString();
    }

    @Override
    public void close() throws SQLException {
        try (Connection connection = connect(server, server.maintenanceDatabase()); Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        }
    }

    static Connection connect(VerifierProperties.Scratch server, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", server.username());
        if (!server.password().isEmpty()) {
            properties.setProperty("password", server.password());
        }
        properties.setProperty("ApplicationName", "vigil-verifier");
        return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database, properties);
    }
}
