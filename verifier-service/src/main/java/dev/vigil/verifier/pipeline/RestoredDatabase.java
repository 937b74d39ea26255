package dev.vigil.verifier.pipeline;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.SqlCheck;
import dev.vigil.pgclients.CatalogFingerprint;
import dev.vigil.pgclients.RowCounts;
import dev.vigil.verifier.VerifierProperties;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.BiPredicate;

/** Reads what a restore made in a database: its tables' exact rows, its catalog, and a target's own checks run against it. */
final class RestoredDatabase {

    /** Tables smaller than this are counted a batch to a statement (see {@link RowCounts#count(Connection, List)}). */
    private static final long SMALL_BYTES = 8L << 20;

    private final VerifierProperties.Server server;
    private final String name;

    RestoredDatabase(VerifierProperties.Server server, String name) {
        this.server = server;
        this.name = name;
    }

    /**
     * Exact row counts of the restored tables {@code selected} accepts, counted as the dump worker
     * counted the source, on {@code connections} connections at once, largest tables first; in the
     * order the worker lists tables. Tables in {@code counted} (counted already once their data was
     * restored, see {@link EarlyCounts}) are not counted again.
     */
    Map<TableName, Long> countRows(BiPredicate<String, String> selected, int connections, Map<TableName, Long> counted)
            throws SQLException, InterruptedException {
        Map<TableName, Long> counts = new LinkedHashMap<>();
        counted(selected, connections, counted).forEach(t -> counts.put(new TableName(t.schema(), t.table()), t.foundRows()));
        return counts;
    }

    /** As {@link #countRows}, each table with its rows found and nothing expected: what a dump made outside Vigil is judged by. */
    List<dev.vigil.contracts.TableCheck> counted(BiPredicate<String, String> selected, int connections, Map<TableName, Long> counted)
            throws SQLException, InterruptedException {
        List<RowCounts.TableRows> tables;
        Map<TableName, Long> bytes = new HashMap<>();
        try (Connection connection = DatabaseServer.connect(server, name); Statement statement = connection.createStatement()) {
            tables = RowCounts.exact(connection, selected, false);
            try (ResultSet rs = statement.executeQuery("select n.nspname, c.relname, pg_relation_size(c.oid) from pg_class c "
                    + "join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p')")) {
                while (rs.next()) {
                    bytes.put(new TableName(rs.getString(1), rs.getString(2)), rs.getLong(3));
                }
            }
        }
        // Largest tables first, one to a statement; the small ones (under 8 MB) a batch to a statement after them.
        List<RowCounts.TableRows> toCount = tables.stream().filter(t -> !counted.containsKey(name(t)))
                .sorted(Comparator.comparingLong((RowCounts.TableRows t) -> bytes.getOrDefault(name(t), 0L)).reversed()).toList();
        ConcurrentLinkedQueue<List<String[]>> queue = new ConcurrentLinkedQueue<>();
        List<String[]> small = new ArrayList<>();
        for (RowCounts.TableRows table : toCount) {
            if (bytes.getOrDefault(name(table), 0L) >= SMALL_BYTES) {
                queue.add(List.<String[]>of(new String[] {table.schema(), table.table()}));
            } else {
                small.add(new String[] {table.schema(), table.table()});
            }
        }
        for (int from = 0; from < small.size(); from += RowCounts.BATCH) {
            queue.add(small.subList(from, Math.min(small.size(), from + RowCounts.BATCH)));
        }
        Map<TableName, Long> found = new ConcurrentHashMap<>(counted);
        List<FutureTask<Void>> counters = new ArrayList<>();
        for (int i = 0; i < Math.min(connections, queue.size()); i++) {
            FutureTask<Void> counter = new FutureTask<>(() -> {
                try (Connection connection = DatabaseServer.connect(server, name)) {
                    for (List<String[]> batch; (batch = queue.poll()) != null; ) {
                        found.putAll(count(connection, batch));
                    }
                }
                return null;
            });
            counters.add(counter);
            Thread.ofVirtual().start(counter);
        }
        for (FutureTask<Void> counter : counters) {
            result(counter);
        }
        return tables.stream().map(t -> new dev.vigil.contracts.TableCheck(t.schema(), t.table(), null, found.get(name(t)))).toList();
    }

    private static TableName name(RowCounts.TableRows table) {
        return new TableName(table.schema(), table.table());
    }

    /** The exact rows of {@code tables} ({schema, table} pairs), a batch to a statement, keyed as the comparison keys them. */
    static Map<TableName, Long> count(Connection connection, List<String[]> tables) throws SQLException {
        long[] rows = RowCounts.count(connection, tables);
        Map<TableName, Long> counted = new HashMap<>();
        for (int i = 0; i < rows.length; i++) {
            counted.put(new TableName(tables.get(i)[0], tables.get(i)[1]), rows[i]);
        }
        return counted;
    }

    /** The restored catalog, read as the source's was ({@code withData}, {@code wholeDatabase} as the dump says). */
    Map<String, String> catalog(boolean withData, boolean wholeDatabase) throws SQLException {
        try (Connection connection = DatabaseServer.connect(server, name)) {
            return CatalogFingerprint.take(connection, schema -> true, withData, wholeDatabase);
        }
    }

    /**
     * Runs one of the target's checks, read-only and bounded by {@code timeout} on the server and in
     * the driver, as one prepared statement (the server refuses a second one in it), reading at most
     * two rows: it passes when it answers one row with one boolean column that is true.
     */
    CheckResult check(SqlCheck check, Duration timeout) {
        try (Connection connection = DatabaseServer.connect(server, name)) {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try (Statement settings = connection.createStatement();
                    java.sql.PreparedStatement statement = connection.prepareStatement(check.sql())) {
                settings.execute("set local statement_timeout = " + Math.max(1, timeout.toMillis()));
                statement.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000 + 1));
                statement.setMaxRows(2);
                try (ResultSet rs = statement.executeQuery()) {
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

    private static String describe(ResultSet rs) throws SQLException {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            values.add(String.valueOf(rs.getObject(i)));
        }
        return values.size() == 1 ? values.getFirst() : values.toString();
    }

    /** The task's result, its SQLException rethrown as it was. */
    static <T> T result(FutureTask<T> task) throws SQLException, InterruptedException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
