package dev.vigil.verifier.pipeline;

import dev.vigil.verifier.VerifierProperties;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the role the verifier restores as may do beyond what a restore needs. A restore runs the
 * backup's SQL as that role, and a backup is untrusted data: as a superuser, a member of
 * {@code pg_read_server_files}, {@code pg_write_server_files} or {@code pg_execute_server_program},
 * or a role that may create roles (and so grant itself those), its SQL could read and write the
 * server's files or run programs on it ({@code COPY … TO PROGRAM}). The role needs to create
 * databases ({@code CREATEDB}) and to own those it restores into; nothing else. Stateless.
 */
public final class RolePrivileges {

    /** The SQL that makes the role the verifier should restore as; the password is the operator's. */
    private static final String CREATE_ROLE = "create role vigil_verifier login createdb nosuperuser nocreaterole password '…'";

    private static final List<String> SERVER_ROLES = List.of("pg_read_server_files", "pg_write_server_files", "pg_execute_server_program");

    private RolePrivileges() {
    }

    /**
     * Why the role connected as is too powerful to restore untrusted backups as, naming each
     * privilege and how to make the right role; empty when it is not.
     */
    static Optional<String> excess(Connection connection, VerifierProperties.Server server, String serverName) throws SQLException {
        List<String> excess = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("""
                select r.rolsuper, r.rolcreaterole,
                       array(select s.rolname::text from pg_roles s
                             where s.rolname in ('pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program')
                               and pg_has_role(r.oid, s.oid, 'MEMBER') order by s.rolname)
                from pg_roles r where r.rolname = current_user""")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            if (rs.getBoolean(1)) {
                excess.add("is a superuser");
            } else {
                if (rs.getBoolean(2)) {
                    excess.add("may create roles (CREATEROLE), and so grant itself " + String.join(", ", SERVER_ROLES));
                }
                for (String role : (String[]) rs.getArray(3).getArray()) {
                    excess.add("is a member of " + role);
                }
            }
        }
        if (excess.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the role " + server.username() + " on " + serverName + " " + String.join(", ", excess) + ": a backup restored as "
                + "this role could read or write the server's files or run programs there. Restore as a role that may only create databases: "
                + CREATE_ROLE + " (run as a superuser), and name it in the verifier's username setting; or set vigil.verifier.allow-superuser=true "
                + "to accept the risk on a server kept for verification alone");
    }

    /**
     * Checks the role on {@code server} when the verifier starts: refuses one too powerful (unless
     * {@code allowed}), and answers why a server could not be checked, for a warning (it is checked
     * again before each restore).
     *
     * @throws IllegalStateException the role is too powerful and that is not allowed
     */
    public static Optional<String> checkOnStart(VerifierProperties.Server server, String serverName, boolean allowed) {
        Optional<String> excess;
        try (Connection connection = DatabaseServer.connect(server, server.maintenanceDatabase())) {
            excess = excess(connection, server, serverName);
        } catch (SQLException e) {
            return Optional.of("could not check the privileges of the role " + server.username() + " on " + serverName + " (" + server.host()
                    + ":" + server.port() + "): " + e.getMessage() + "; it is checked again before each restore");
        }
        if (excess.isPresent() && !allowed) {
            throw new IllegalStateException("the verifier refuses to start: " + excess.get());
        }
        return excess.map(problem -> "allowed by vigil.verifier.allow-superuser: " + problem);
    }
}
