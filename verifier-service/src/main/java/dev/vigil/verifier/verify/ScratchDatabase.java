package dev.vigil.verifier.verify;

import dev.vigil.contracts.JobId;
import dev.vigil.pgclients.CatalogFingerprint;
import dev.vigil.pgclients.RowCounts;
import dev.vigil.verifier.VerifierProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
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

    static ScratchDatabase create(VerifierProperties.Scratch server, JobId jobId) throws SQLException {
        String name = PREFIX + jobId.value().toString().replace("-", "");
        try (Connection connection = connect(server, server.maintenanceDatabase()); Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
            statement.execute("create database " + name);
        }
        return new ScratchDatabase(server, name);
    }

    String name() {
        return name;
    }

    /** Exact row counts of every restored table, keyed {@code schema.table}, counted as the dump worker counted the source. */
    Map<String, Long> countRows() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = connect(server, name)) {
            RowCounts.exact(connection).forEach(t -> counts.put(t.qualifiedName(), t.rows()));
        }
        return counts;
    }

    /** The restored catalog, read as the source's was ({@code withData}, {@code wholeDatabase} as the dump says). */
    Map<String, String> catalog(boolean withData, boolean wholeDatabase) throws SQLException {
        try (Connection connection = connect(server, name)) {
            return CatalogFingerprint.take(connection, schema -> true, withData, wholeDatabase);
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection connection = connect(server, server.maintenanceDatabase()); Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        }
    }

    private static Connection connect(VerifierProperties.Scratch server, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", server.username());
        if (!server.password().isEmpty()) {
            properties.setProperty("password", server.password());
        }
        properties.setProperty("ApplicationName", "vigil-verifier");
        return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database, properties);
    }
}
