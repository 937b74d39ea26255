package dev.vigil.verifier.pipeline;

import dev.vigil.pgclients.ServerTls;
import dev.vigil.pgclients.TlsFailures;
import dev.vigil.verifier.VerifierProperties;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Connections to a PostgreSQL server the verifier restores into: the verification (scratch) server
 * or a restore server a request names. The only place that opens them.
 */
public final class DatabaseServer {

    /** Every scratch database's name starts with this, so leftovers are recognisable and no restore on demand takes such a name. */
    public static final String SCRATCH_PREFIX = "vigil_verify_";

    private DatabaseServer() {
    }

    /**
     * A connection to {@code database} on {@code server}, named {@code vigil-verifier} in pg_stat_activity,
     * with the server's {@code sslmode} and {@code sslrootcert}; it gives up a server that does not accept
     * it within the server's {@code connect-timeout}, or that leaves a statement unanswered for its
     * {@code socket-timeout}.
     */
    public static Connection connect(VerifierProperties.Server server, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", server.username());
        if (!server.password().isEmpty()) {
            properties.setProperty("password", server.password());
        }
        properties.setProperty("ApplicationName", "vigil-verifier");
        properties.setProperty("connectTimeout", String.valueOf(seconds(server.connectTimeout())));
        // connectTimeout bounds only the TCP connect; a server that accepts and then says nothing is bounded by loginTimeout.
        properties.setProperty("loginTimeout", String.valueOf(seconds(server.connectTimeout())));
        properties.setProperty("socketTimeout", String.valueOf(seconds(server.socketTimeout())));
        new ServerTls(server.sslmode(), server.sslrootcert()).applyTo(properties);
        // Encoded, so a name with '?', '&' or '/' stays a name and never adds driver settings to the URL.
        return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8), properties);
    }

    /**
     * Why the verifier could not reach {@code server} over TLS, naming the server, its TLS settings and
     * where they are set ({@code settings}, e.g. {@code vigil.verifier.scratch}); {@code detail} is what the
     * driver or libpq said. Nothing restored there can be judged until the setting or the certificate
     * is fixed.
     */
    public static String tlsProblem(VerifierProperties.Server server, String serverName, String settings, String detail) {
        return "TLS to " + serverName + " at " + server.host() + ":" + server.port() + " failed (" + server.describeTls() + "): " + detail
                + "; " + TlsFailures.whatToCheck(settings + ".sslmode", settings + ".sslrootcert", settings + ".host");
    }

    /** pgjdbc's timeouts are whole seconds, 0 meaning none: anything shorter than a second is one. */
    private static long seconds(java.time.Duration timeout) {
        return Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    /** The server's major version, asked on its maintenance database. */
    public static int major(VerifierProperties.Server server) throws SQLException {
        try (Connection connection = connect(server, server.maintenanceDatabase())) {
            return major(connection);
        }
    }

    /** The major version of the server {@code connection} is connected to. */
    public static int major(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); var rs = statement.executeQuery("show server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10000;
        }
    }

    /**
     * Drops a database (if it exists), ending the sessions in it first, as a role that need not be a
     * superuser: it ends its own role's sessions (a pg_restore that a killed verifier left running),
     * then drops without {@code FORCE}, which would also try to end an autovacuum worker's session and
     * fail for a role that may not; a plain drop stops autovacuum itself. A session not yet gone is
     * waited for a few times; another role's session makes the drop fail, saying the database is in use.
     *
     * @param name the database's name, passed as a value; {@code quoted} the same as an identifier in SQL
     */
    public static void dropDatabase(Connection connection, String name, String quoted) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (var sessions = connection.prepareStatement("select pg_terminate_backend(pid) from pg_stat_activity "
                    + "where datname = ? and usename = current_user and pid <> pg_backend_pid()")) {
                sessions.setString(1, name);
                sessions.executeQuery().close();
            }
            try (Statement drop = connection.createStatement()) {
                drop.execute("drop database if exists " + quoted);
                return;
            } catch (SQLException e) {
                // 55006: still being accessed; an ended session may take a moment to go.
                if (!"55006".equals(e.getSQLState()) || attempt == 10) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while dropping database " + name, e);
            }
        }
    }
}
