package dev.vigil.verifier.dryrun;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.DryRunChecked;
import dev.vigil.contracts.SourceExtension;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.verifier.VerifierProperties;
import dev.vigil.verifier.pipeline.DatabaseServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verifier's checks in a dry run, against the verification (scratch) server as it is configured:
 * it answers and lets the role create databases; its major version is at least the source's; every
 * extension the source uses is available there, in a version not older than the source's; a
 * pg_restore fitting the source is installed. Reads the server's catalog only: creates no database and
 * leaves nothing behind. Thread-safe: each {@link #check} opens and closes its own connection.
 */
final class ScratchServerChecks {

    static final String SERVER = "verification server";
    static final String VERSION = "server version";
    static final String EXTENSIONS = "extensions";
    static final String PG_RESTORE = "pg_restore";

    private static final Pattern LEADING_NUMBER = Pattern.compile("^(\\d+)");
    private static final String SETTINGS = "vigil.verifier.scratch";

    private final VerifierProperties.Server server;
    private final PostgresClients pgRestores;

    ScratchServerChecks(VerifierProperties.Server server, PostgresClients pgRestores) {
        this.server = server;
        this.pgRestores = pgRestores;
    }

    /** What the server has, read in one connection. */
    private record Found(String version, int major, boolean mayCreateDatabases, Map<String, Available> extensions) {
    }

    /** An extension the server can install: its default version and every version it offers. */
    private record Available(String defaultVersion, List<String> versions) {
    }

    List<CheckResult> check(DryRunChecked dump) {
        List<CheckResult> checks = new ArrayList<>();
        Optional<Integer> sourceMajor = major(dump.serverVersion());
        Found found;
        try {
            found = read();
        } catch (SQLException | RuntimeException e) {
            checks.add(new CheckResult(SERVER, false, unreachable(e)));
            checks.add(new CheckResult(VERSION, false, "not checked: the verification server did not answer"));
            checks.add(new CheckResult(EXTENSIONS, false, "not checked: the verification server did not answer"));
            checks.add(pgRestore(dump, sourceMajor));
            return checks;
        }
        String reached = "PostgreSQL " + found.version() + " at " + server.host() + ":" + server.port() + " answers as " + server.username()
                + " (" + server.describeTls() + ")";
        checks.add(found.mayCreateDatabases() ? new CheckResult(SERVER, true, reached + " and may create databases")
                : new CheckResult(SERVER, false, reached + " but may not create databases, which every verification does: "
                        + "ALTER ROLE " + server.username() + " CREATEDB; (and nothing more)"));
        checks.add(version(dump, sourceMajor, found));
        checks.add(extensions(dump, found));
        checks.add(pgRestore(dump, sourceMajor));
        return checks;
    }

    private Found read() throws SQLException {
        try (Connection connection = DatabaseServer.connect(server, server.maintenanceDatabase());
                Statement statement = connection.createStatement()) {
            connection.setReadOnly(true);
            String version;
            boolean mayCreate;
            try (ResultSet rs = statement.executeQuery("select current_setting('server_version'), "
                    + "(select rolcreatedb or rolsuper from pg_roles where rolname = current_user)")) {
                rs.next();
                version = rs.getString(1);
                mayCreate = rs.getBoolean(2);
            }
            int major = DatabaseServer.major(connection);
            Map<String, Available> extensions = new HashMap<>();
            try (ResultSet rs = statement.executeQuery("select a.name, a.default_version, "
                    + "array(select v.version from pg_available_extension_versions v where v.name = a.name order by 1) "
                    + "from pg_available_extensions a")) {
                while (rs.next()) {
                    extensions.put(rs.getString(1), new Available(rs.getString(2), List.of((String[]) rs.getArray(3).getArray())));
                }
            }
            return new Found(version, major, mayCreate, extensions);
        }
    }

    private String unreachable(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (!server.password().isEmpty()) {
            message = message.replace(server.password(), "****");
        }
        String state = e instanceof SQLException sql && sql.getSQLState() != null ? sql.getSQLState() : "";
        String fix = state.startsWith("28") ? "check " + SETTINGS + ".username and VIGIL_SCRATCH_PASSWORD"
                : state.equals("3D000") ? "check " + SETTINGS + ".maintenance-database"
                : "check " + SETTINGS + ".host, .port and .sslmode, and that the server accepts connections from the verifier";
        return "the verification server " + server.host() + ":" + server.port() + " did not answer as " + server.username() + ": " + message
                + "; " + fix;
    }

    private static CheckResult version(DryRunChecked dump, Optional<Integer> sourceMajor, Found found) {
        if (sourceMajor.isEmpty()) {
            return new CheckResult(VERSION, false, "could not be compared: the worker did not reach the source, so its version is unknown; "
                    + "the verification server runs PostgreSQL " + found.version());
        }
        if (found.major() < sourceMajor.get()) {
            return new CheckResult(VERSION, false, "the verification server runs PostgreSQL " + found.version() + ", older than the source's "
                    + dump.serverVersion() + ": a backup restores only into the same major or a newer one; point " + SETTINGS
                    + " at a server of PostgreSQL " + sourceMajor.get() + " or newer");
        }
        return new CheckResult(VERSION, true, "PostgreSQL " + found.version() + " restores backups of the source's " + dump.serverVersion());
    }

    private static CheckResult extensions(DryRunChecked dump, Found found) {
        List<SourceExtension> used = dump.extensionList();
        if (used.isEmpty()) {
            return new CheckResult(EXTENSIONS, dump.serverVersion() != null, dump.serverVersion() == null
                    ? "not checked: the worker did not reach the source, so its extensions are unknown" : "the source uses no extension");
        }
        List<String> problems = new ArrayList<>();
        for (SourceExtension extension : used) {
            Available available = found.extensions().get(extension.name());
            if (available == null) {
                problems.add("\"" + extension.name() + "\" " + extension.version() + " is not available there: install it on the verification "
                        + "server (on Debian and Ubuntu usually the package postgresql-" + found.major() + "-"
                        + extension.name().replace('_', '-') + "; contrib extensions come with postgresql-" + found.major() + ")");
            } else if (!available.versions().contains(extension.version()) && older(available.defaultVersion(), extension.version())) {
                problems.add("\"" + extension.name() + "\" is there in version " + available.defaultVersion() + ", older than the source's "
                        + extension.version() + ": upgrade it on the verification server");
            }
        }
        if (!problems.isEmpty()) {
            return new CheckResult(EXTENSIONS, false, problems.size() + " of the " + used.size() + " extensions the source uses cannot be "
                    + "restored there: " + String.join("; ", problems));
        }
        return new CheckResult(EXTENSIONS, true, "every extension the source uses is available: " + String.join(", ",
                used.stream().map(e -> e.name() + " " + e.version()).toList()));
    }

    private CheckResult pgRestore(DryRunChecked dump, Optional<Integer> sourceMajor) {
        if (sourceMajor.isEmpty()) {
            return new CheckResult(PG_RESTORE, false, "could not be chosen: the worker did not reach the source, so its version is unknown; "
                    + "installed: " + installed());
        }
        return pgRestores.forServer(sourceMajor.get())
                .map(p -> new CheckResult(PG_RESTORE, true, "pg_restore " + p.version() + " (" + p.executable() + ") restores dumps of "
                        + "PostgreSQL " + dump.serverVersion()))
                .orElseGet(() -> new CheckResult(PG_RESTORE, false, "installed: " + installed() + "; "
                        + pgRestores.noneFits(sourceMajor.get(), dump.serverVersion()) + " (vigil.verifier.pg-bin-root or vigil.verifier.pg-bin-dir)"));
    }

    private String installed() {
        List<PostgresClients.Program> programs = pgRestores.installed();
        return programs.isEmpty() ? "none" : String.join(", ", programs.stream().map(p -> p.version() + " (" + p.executable() + ")").toList());
    }

    /** The major version of a version string such as {@code 17.2} or {@code 18beta1}. */
    static Optional<Integer> major(String version) {
        if (version == null) {
            return Optional.empty();
        }
        Matcher m = LEADING_NUMBER.matcher(version.strip());
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** Whether version {@code a} is older than {@code b}, compared number by number; false where either is not made of numbers. */
    static boolean older(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        try {
            for (int i = 0; i < Math.max(left.length, right.length); i++) {
                int l = i < left.length ? Integer.parseInt(left[i]) : 0;
                int r = i < right.length ? Integer.parseInt(right[i]) : 0;
                if (l != r) {
                    return l < r;
                }
            }
            return false;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
