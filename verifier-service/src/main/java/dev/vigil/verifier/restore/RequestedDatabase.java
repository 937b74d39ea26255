package dev.vigil.verifier.restore;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RestoreRequested;
import dev.vigil.pgclients.RowCounts;
import dev.vigil.verifier.VerifierProperties;
import dev.vigil.verifier.pipeline.DatabaseServer;
import dev.vigil.verifier.pipeline.Destination;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database a restore on demand names, on the server it names: refused when it holds anything
 * and the request does not ask to clean it; otherwise created (or dropped and created) only once the
 * artifact is known to be sound, and left in place afterwards. Used by one restore at a time.
 */
final class RequestedDatabase implements Destination {

    private static final Logger log = LoggerFactory.getLogger(RequestedDatabase.class);

    private final RestoreRequested request;
    private final VerifierProperties.Server server;
    private final Selection selection;
    private final boolean mayClean;
    private final JdbcClient jdbc;
    private final JobId jobId;
    /** What the database held when looked at: null when it did not exist, empty when it held nothing. */
    private String contents;

    /**
     * @param mayClean whether a database holding something may be dropped first: the request asks for it, or
     *                 the database is what an earlier, stopped attempt at the same request left
     * @param jdbc     the verifier's own database, where the restore is marked as begun before the database is touched
     */
    RequestedDatabase(RestoreRequested request, VerifierProperties.Server server, Selection selection, boolean mayClean, JdbcClient jdbc,
            JobId jobId) {
        this.request = request;
        this.server = server;
        this.selection = selection;
        this.mayClean = mayClean;
        this.jdbc = jdbc;
        this.jobId = jobId;
    }

    /** Why nothing may be restored here, looking at what the database holds now; empty when it may. */
    Optional<String> refusal() throws SQLException {
        try (Connection maintenance = DatabaseServer.connect(server, server.maintenanceDatabase())) {
            contents = exists(maintenance, request.database()) ? contents(server, request.database()) : null;
        }
        if (contents != null && !contents.isEmpty() && !mayClean) {
            return Optional.of("database " + request.database() + " on " + serverName() + " is not empty (" + contents
                    + "); nothing was restored and it was left untouched. Send the request again with clean: true to drop and "
                    + "create it first, or name another database");
        }
        return Optional.empty();
    }

    @Override
    public VerifierProperties.Server server() {
        return server;
    }

    @Override
    public String serverName() {
        return request.server() == null ? "the verification server" : "server " + request.server();
    }

    @Override
    public String settings() {
        return request.server() == null ? "vigil.verifier.scratch" : "vigil.verifier.restore-servers." + request.server();
    }

    @Override
    public String database() {
        return request.database();
    }

    @Override
    public String workName() {
        return "restore-" + request.restoreId();
    }

    @Override
    public void prepare() throws SQLException {
        jdbc.sql("""
                insert into restores (restore_id, target_id, job_id, server, database, requested_by) values (?, ?, ?, ?, ?, ?)
                on conflict do nothing""")
                .params(request.restoreId(), request.targetId().value(), jobId.value(), request.server(), request.database(),
                        request.requestedBy()).update();
        try (Connection maintenance = DatabaseServer.connect(server, server.maintenanceDatabase()); Statement statement = maintenance.createStatement()) {
            if (contents != null && !contents.isEmpty()) {
                log.warn("restore {}: dropping database {} on {} first ({}), as requested", request.restoreId(), request.database(), serverName(), contents);
                DatabaseServer.dropDatabase(maintenance, request.database(), RowCounts.quote(request.database()));
                contents = null;
            }
            if (contents == null) {
                statement.execute("create database " + RowCounts.quote(request.database()));
            }
        }
        try (Connection database = DatabaseServer.connect(server, request.database()); Statement statement = database.createStatement()) {
            // pg_restore --schema restores what is in a schema but not the schema itself.
            for (String schema : selection.schemasToCreate()) {
                statement.execute("create schema if not exists " + RowCounts.quote(schema));
            }
        }
    }

    @Override
    public List<List<String>> runs() {
        return selection.runs();
    }

    @Override
    public boolean includes(String schema, String table) {
        return selection.includes(schema, table);
    }

    private static boolean exists(Connection connection, String database) throws SQLException {
        try (var statement = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            statement.setString(1, database);
            try (var rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * What a database holds besides what every new database has, e.g. {@code 3 tables, 1 function};
     * empty when nothing.
     */
    private static String contents(VerifierProperties.Server server, String database) throws SQLException {
        String user = "not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'";
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("relations (tables, views, sequences, indexes)",
                "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname " + user);
        queries.put("functions", "select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname " + user);
        queries.put("types", "select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname " + user
                + " and t.typrelid = 0 and t.typelem = 0");
        queries.put("schemas", "select count(*) from pg_namespace n where n.nspname " + user + " and n.nspname <> 'public'");
        queries.put("extensions", "select count(*) from pg_extension where extname <> 'plpgsql'");
        queries.put("large objects", "select count(*) from pg_largeobject_metadata");
        List<String> found = new ArrayList<>();
        try (Connection connection = DatabaseServer.connect(server, database); Statement statement = connection.createStatement()) {
            for (var query : queries.entrySet()) {
                try (var rs = statement.executeQuery(query.getValue())) {
                    rs.next();
                    long count = rs.getLong(1);
                    if (count > 0) {
                        found.add(count + " " + query.getKey());
                    }
                }
            }
        }
        return String.join(", ", found);
    }
}
