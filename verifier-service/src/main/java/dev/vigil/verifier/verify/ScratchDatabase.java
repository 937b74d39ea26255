package dev.vigil.verifier.verify;

import dev.vigil.contracts.JobId;
import dev.vigil.verifier.VerifierProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** A throwaway database on the scratch server for one verification; dropped on close, whatever happened. */
final class ScratchDatabase implements AutoCloseable {

    /** Every scratch database's name starts with this, so leftovers are recognisable. */
    static final String PREFIX = "vigil_verify_";
    private static final String DUMPED_TABLES = """
            select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind = 'r'
              and n.nspname not in ('pg_catalog', 'information_schema')
              and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
              and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')""";

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

    /** Exact row counts of every restored table, keyed {@code schema.table}. */
    Map<String, Long> countRows() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = connect(server, name); Statement statement = connection.createStatement()) {
            Map<String, String> tables = new LinkedHashMap<>();
            try (ResultSet rs = statement.executeQuery(DUMPED_TABLES)) {
                while (rs.next()) {
                    tables.put(rs.getString(1) + "." + rs.getString(2), quote(rs.getString(1)) + "." + quote(rs.getString(2)));
                }
            }
            for (Map.Entry<String, String> table : tables.entrySet()) {
                try (ResultSet rs = statement.executeQuery("select count(*) from only " + table.getValue())) {
                    rs.next();
                    counts.put(table.getKey(), rs.getLong(1));
                }
            }
        }
        return counts;
    }

    @Override
    public void close() throws SQLException {
        try (Connection connection = connect(server, server.maintenanceDatabase()); Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
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
