package dev.vigil.worker.dump;

import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.pgclients.CatalogFingerprint;
import dev.vigil.pgclients.RowCounts;
import dev.vigil.pgclients.ServerTls;
import dev.vigil.pgclients.TlsFailures;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * A repeatable-read, read-only transaction on the source whose snapshot pg_dump shares
 * ({@code --snapshot}), so the row counts taken here describe exactly the data in the artifact even
 * while the source takes writes. Open for the whole dump; not thread-safe, except {@link #abort}.
 * A dry run opens one too: it connects exactly as a dump would, and what it reads cannot change the source.
 */
public final class SourceSnapshot implements AutoCloseable {

    /** How long the server may take to answer beyond the longest statement the worker runs, before the connection is given up. */
    static final Duration SOCKET_MARGIN = Duration.ofMinutes(1);

    private final java.sql.Connection jdbc;
    private final String snapshotId;
    private final String serverVersion;
    private final int serverMajor;
    private final Duration countTimeout;

    private SourceSnapshot(java.sql.Connection jdbc, String snapshotId, String serverVersion, int serverMajor, Duration countTimeout) {
        this.jdbc = jdbc;
        this.snapshotId = snapshotId;
        this.serverVersion = serverVersion;
        this.serverMajor = serverMajor;
        this.countTimeout = countTimeout;
    }

    /**
     * Connects with the target's TLS settings; gives up connecting after {@code connectTimeout}, and
     * waiting for any answer after {@code countTimeout} plus {@link #SOCKET_MARGIN} (a server that
     * stops answering mid-statement), while each row count may take {@code countTimeout}.
     */
    public static SourceSnapshot open(Connection target, Optional<String> password, Duration connectTimeout, Duration countTimeout) throws DumpFailure {
        Properties properties = new Properties();
        properties.setProperty("user", target.username());
        password.ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("connectTimeout", String.valueOf(Math.max(1, connectTimeout.toSeconds())));
        // connectTimeout bounds only the TCP connect; a server that accepts and then says nothing (TLS
        // negotiation, authentication) is bounded by loginTimeout.
        properties.setProperty("loginTimeout", String.valueOf(Math.max(1, connectTimeout.toSeconds())));
        properties.setProperty("socketTimeout", String.valueOf(Math.max(1, countTimeout.plus(SOCKET_MARGIN).toSeconds())));
        properties.setProperty("ApplicationName", "vigil-dump-worker");
        new ServerTls(target.sslmodeOrDefault(), target.sslrootcert()).applyTo(properties);
        String url = "jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + target.database();
        java.sql.Connection jdbc = null;
        try {
            jdbc = DriverManager.getConnection(url, properties);
            jdbc.setAutoCommit(false);
            try (Statement statement = jdbc.createStatement()) {
                statement.execute("set transaction isolation level repeatable read, read only");
                String snapshot = single(statement, "select pg_export_snapshot()");
                String version = single(statement, "show server_version").split(" ")[0];
                int major = Integer.parseInt(single(statement, "show server_version_num")) / 10000;
                return new SourceSnapshot(jdbc, snapshot, version, major, countTimeout);
            }
        } catch (SQLException e) {
            closeQuietly(jdbc);
            throw classify(e, target);
        }
    }

    String snapshotId() {
        return snapshotId;
    }

    public String serverVersion() {
        return serverVersion;
    }

    public int serverMajor() {
        return serverMajor;
    }

    /** A query of the source's catalog, run on the snapshot's connection. */
    @FunctionalInterface
    public interface Query<T> {

        T run(java.sql.Connection connection) throws SQLException;
    }

    /**
     * Runs {@code query} in this read-only transaction (the server refuses any write), bounded like a
     * row count by {@code count-timeout}; a failure is classified as a dump's would be.
     */
    public <T> T read(Connection target, Query<T> query) throws DumpFailure {
        try {
            try (Statement statement = jdbc.createStatement()) {
                statement.execute("set local statement_timeout = " + Math.max(1, countTimeout.toMillis()));
            }
            return query.run(jdbc);
        } catch (SQLException e) {
            throw classify(e, target);
        }
    }

    /** Exact row counts of every table pg_dump dumps with {@code options}, in this snapshot (zero each for schema only). */
    List<TableRowCount> countRows(Connection target, DumpOptions options) throws DumpFailure {
        try {
            try (Statement statement = jdbc.createStatement()) {
                // Per statement, so one locked or huge table fails the count instead of holding the job forever;
                // it stays for the rest of the transaction (the catalog's queries), which are as bounded.
                statement.execute("set local statement_timeout = " + Math.max(1, countTimeout.toMillis()));
            }
            return RowCounts.exact(jdbc, options::includes, !options.schemaOnly()).stream().map(t -> new TableRowCount(t.schema(), t.table(), t.rows())).toList();
        } catch (SQLException e) {
            if (QUERY_CANCELED.equals(e.getSQLState())) {
                throw new DumpFailure(FailureClass.DUMP_ERROR, "counting the rows of " + target.describe() + " did not finish within "
                        + "vigil.worker.count-timeout (" + countTimeout + "): a table is locked by another session (e.g. ACCESS EXCLUSIVE, "
                        + "taken by a migration or VACUUM FULL) or too large to count in that time. Server: " + e.getMessage());
            }
            throw classify(e, target);
        }
    }

    /** PostgreSQL's query_canceled: a statement timeout (or a cancel request) ended the statement. */
    private static final String QUERY_CANCELED = "57014";

    /**
     * The catalog as the dump holds it, in this snapshot; none for a selection by table, whose
     * dump leaves out objects that cannot be told apart from the tables' own.
     */
    Catalog catalog(Connection target, DumpOptions options) throws DumpFailure {
        if (options.selectsTables()) {
            return null;
        }
        boolean withData = !options.schemaOnly();
        boolean wholeDatabase = options.schemas().isEmpty();
        try {
            return new Catalog(CatalogFingerprint.take(jdbc, options::includesSchema, withData, wholeDatabase), withData, wholeDatabase);
        } catch (SQLException e) {
            throw classify(e, target);
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static DumpFailure classify(SQLException e, Connection target) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = target.describe();
        if (TlsFailures.isTls(e)) {
            // A certificate that does not verify is a setting to fix, not a network blip: not retried.
            return new DumpFailure(FailureClass.AUTHENTICATION, "TLS to " + where + " failed (sslmode " + target.sslmodeOrDefault()
                    + (target.sslrootcert() == null ? ", libpq's default CA file" : ", sslrootcert " + target.sslrootcert()) + "): "
                    + e.getMessage() + "; " + TlsFailures.whatToCheck("the target's sslmode", "sslrootcert", "the target") + ".");
        }
        if (state.startsWith("08") || e.getCause() instanceof java.io.IOException) {
            return new DumpFailure(FailureClass.UNREACHABLE, "could not connect to " + where + ": " + e.getMessage()
                    + " Check that the server runs and accepts connections from the dump workers.");
        }
        if (state.equals("28P01") || state.equals("28000")) {
            return new DumpFailure(FailureClass.AUTHENTICATION, "the server refused the credentials of " + where
                    + ": " + e.getMessage() + " Check the password reference and pg_hba.conf.");
        }
        if (state.equals("42501")) {
            return new DumpFailure(FailureClass.PERMISSION_DENIED, "permission denied on " + where + ": " + e.getMessage()
                    + " Grant the backup role read access (e.g. the pg_read_all_data role).");
        }
        if (state.equals("3D000")) {
            return new DumpFailure(FailureClass.DUMP_ERROR, "database " + target.database() + " does not exist on "
                    + target.host() + ":" + target.port() + "; check the target's database name");
        }
        return new DumpFailure(FailureClass.DUMP_ERROR, "reading " + where + " failed: " + e.getMessage());
    }

    /** Drops the connection from another thread, ending whatever query runs on it; {@link #close} still follows. */
    void abort() {
        try {
            jdbc.abort(Runnable::run);
        } catch (SQLException e) {
            closeQuietly(jdbc);
        }
    }

    /** Ends the transaction (rolled back: it wrote nothing) and the connection. */
    @Override
    public void close() {
        try {
            jdbc.rollback();
        } catch (SQLException ignored) {
            // closing anyway
        }
        closeQuietly(jdbc);
    }

    private static void closeQuietly(java.sql.Connection jdbc) {
        if (jdbc != null) {
            try {
                jdbc.close();
            } catch (SQLException ignored) {
                // nothing to do
            }
        }
    }
}
