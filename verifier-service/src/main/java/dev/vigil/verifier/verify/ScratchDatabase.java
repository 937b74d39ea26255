package dev.vigil.verifier.verify;

import dev.vigil.contracts.SqlCheck;
import dev.vigil.verifier.VerifierProperties;
import dev.vigil.verifier.pipeline.DatabaseServer;
import dev.vigil.verifier.pipeline.Destination;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A throwaway database on the verification server for one verification or re-restore: created when
 * the artifact's table of contents has arrived (it is restored while the rest arrives), compared whole (rows, catalog, the target's checks), dropped on close
 * whatever happened. Named after its run (a verification's job id, a re-restore's check id), so runs
 * at once never share one.
 */
final class ScratchDatabase implements Destination {

    private static final String PREFIX = DatabaseServer.SCRATCH_PREFIX;

    private final VerifierProperties.Server server;
    private final UUID run;
    private final String name;
    private final List<SqlCheck> checks;
    private boolean created;

    /** @param run the job id of a verification, the check id of a re-restore */
    ScratchDatabase(VerifierProperties.Server server, String instance, UUID run, List<SqlCheck> checks) {
        this.server = server;
        this.run = run;
        this.name = PREFIX + instance + "_" + run.toString().replace("-", "");
        this.checks = List.copyOf(checks);
    }

    /**
     * A name fit for a database name: lower-case letters and digits, at most 16. A longer id keeps its
     * first 8 and adds 8 hex digits of its hash: replicas whose ids share a long prefix (Kubernetes
     * pod names) still get names of their own, so none drops another's scratch databases.
     */
    static String instance(String instanceId) {
        String cleaned = instanceId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (cleaned.isEmpty()) {
            return "verifier";
        }
        if (cleaned.length() <= 16) {
            return cleaned;
        }
        return cleaned.substring(0, 8) + dev.vigil.contracts.Sha256.of(cleaned.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 8);
    }

    /**
     * Drops the scratch databases this instance left behind (a crash, a kill) and answers their
     * names; other instances' are left alone, as they may be restoring right now.
     */
    static List<String> dropLeftovers(VerifierProperties.Server server, String instance) throws SQLException {
        List<String> dropped = new ArrayList<>();
        try (Connection connection = DatabaseServer.connect(server, server.maintenanceDatabase()); Statement statement = connection.createStatement()) {
            List<String> names = new ArrayList<>();
            try (var rs = statement.executeQuery("select datname from pg_database where datname like '"
                    + PREFIX.replace("_", "\\_") + instance + "\\_%'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String name : names) {
                DatabaseServer.dropDatabase(connection, name, name);
                dropped.add(name);
            }
        }
        return dropped;
    }

    @Override
    public VerifierProperties.Server server() {
        return server;
    }

    @Override
    public String serverName() {
        return "the verification server (vigil.verifier.scratch)";
    }

    @Override
    public String settings() {
        return "vigil.verifier.scratch";
    }

    @Override
    public String database() {
        return name;
    }

    @Override
    public String workName() {
        return run.toString();
    }

    /** A leftover of an earlier attempt at the same job is replaced. */
    @Override
    public void prepare() throws SQLException {
        try (Connection connection = DatabaseServer.connect(server, server.maintenanceDatabase()); Statement statement = connection.createStatement()) {
            DatabaseServer.dropDatabase(connection, name, name);
            statement.execute("create database " + name);
        }
        created = true;
    }

    /** Nothing reads it and it is dropped whatever the verdict: a damaged backup restored into it costs nothing. */
    @Override
    public boolean restoresWhileArriving() {
        return true;
    }

    @Override
    public boolean comparesCatalog() {
        return true;
    }

    @Override
    public List<SqlCheck> checks() {
        return checks;
    }

    @Override
    public void close() throws SQLException {
        if (!created) {
            return;
        }
        try (Connection connection = DatabaseServer.connect(server, server.maintenanceDatabase())) {
            DatabaseServer.dropDatabase(connection, name, name);
        }
    }
}
