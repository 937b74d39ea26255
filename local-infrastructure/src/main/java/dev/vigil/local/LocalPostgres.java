package dev.vigil.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL cluster of its own, made with the OS's {@code initdb} and run with {@code pg_ctl}
 * on a loopback port, trust authentication, superuser {@code postgres}. As root it runs the programs
 * as the {@code postgres} OS user, since initdb refuses root. A data directory that already holds a
 * cluster is reused, so the embedded default keeps its data between runs. The caller owns the
 * directory alone (the launcher holds a lock on its data directory): a server still running there
 * was left by an owner that died, and is stopped before the cluster starts again.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String SUPERUSER = "postgres";
    /** The role the verifier restores untrusted backups as: it may log in and create databases, nothing more. */
    public static final String VERIFIER_ROLE = "vigil_verifier";
    private static final Shared<LocalPostgres> SHARED = new Shared<>(() -> start(tempDirectory(), FreePorts.next()));

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private final Path dir;
    private final int port;
    private final Path bin;
    private final boolean stoppedLeftover;
    private final java.util.Map<String, String> passwords = new java.util.concurrent.ConcurrentHashMap<>();

    private LocalPostgres(Path dir, int port, Path bin, boolean stoppedLeftover) {
        this.dir = dir;
        this.port = port;
        this.bin = bin;
        this.stoppedLeftover = stoppedLeftover;
    }

    /** The cluster every test in this JVM shares; tests create databases of their own in it. */
    public static LocalPostgres shared() {
        return SHARED.get();
    }

    /** Initializes (if needed) and starts a cluster under {@code dir} on {@code port}. */
    public static LocalPostgres start(Path requestedDir, int port) {
        return start(requestedDir, port, null);
    }

    /**
     * {@link #start} with TLS: the server offers {@code tls}'s server certificate on every TCP
     * connection (clients may still connect without TLS, as {@code sslmode=prefer} allows), and logs
     * every connection, with whether it used TLS, in {@link #serverLog()}.
     */
    public static LocalPostgres startWithTls(Path requestedDir, int port, LocalTls tls) {
        return start(requestedDir, port, tls);
    }

    private static LocalPostgres start(Path requestedDir, int port, LocalTls tls) {
        Path bin = PostgresBinaries.binDir();
        try {
            Path dir = usableDirectory(requestedDir.toAbsolutePath());
            Path data = dir.resolve("data");
            boolean stoppedLeftover = false;
            if (!Files.exists(data.resolve("PG_VERSION"))) {
                runAsOwner(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                        "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"));
            } else {
                stoppedLeftover = clearLeftover(bin, data);
            }
            Path socketDir = dir.resolve("socket");
            if (!Files.exists(socketDir)) {
                runAsOwner(List.of("mkdir", "-p", socketDir.toString()));
            }
            String tlsOptions = tls == null ? "" : tlsOptions(dir, tls);
            runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
                    "-l", dir.resolve("server.log").toString(),
                    "-o", "-p " + port + " -k " + socketDir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                            + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" + tlsOptions,
                    "start"));
            return new LocalPostgres(dir, port, bin, stoppedLeftover);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL under " + requestedDir, e);
        }
    }

    /**
     * Copies the server's certificate and key into the cluster's directory, owned by the server's
     * user, the key 0600 (PostgreSQL refuses a key others can read), and answers the server options
     * that turn TLS on with them.
     */
    private static String tlsOptions(Path dir, LocalTls tls) throws IOException {
        Path certificate = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        Files.copy(tls.serverCertificate(), certificate, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(tls.serverKey(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        if (isRoot()) {
            run(List.of("chown", "postgres", certificate.toString(), key.toString()));
        }
        return " -c ssl=on -c ssl_cert_file=" + certificate + " -c ssl_key_file=" + key + " -c log_connections=on";
    }

    /**
     * An owner killed without stopping its server (SIGKILL, a closed terminal) leaves the server
     * running, and {@code pg_ctl start} then fails with "another server might be running". Such a
     * server is stopped. A {@code postmaster.pid} whose process is gone is left to PostgreSQL, which
     * replaces it; one naming a live process that is not this directory's server (the PID was reused
     * after a crash) is removed, since PostgreSQL refuses to start while that process lives.
     * Answers whether a leftover server was stopped.
     */
    private static boolean clearLeftover(Path bin, Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        Optional<ProcessHandle> process = leftoverPid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        Optional<String[]> arguments = process.get().info().arguments();
        if (arguments.isPresent() && !servesDirectory(arguments.get(), data)) {
            log.info("PostgreSQL under {}: removing a stale postmaster.pid naming process {}, which is not its server",
                    data, process.get().pid());
            Files.deleteIfExists(pidFile);
            return false;
        }
        log.info("PostgreSQL under {}: stopping the server (pid {}) an earlier owner left running", data, process.get().pid());
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
        return true;
    }

    /** Whether a process's arguments are those of the server of {@code data}, as pg_ctl started it ({@code -D data}). */
    private static boolean servesDirectory(String[] arguments, Path data) {
        for (int i = 0; i + 1 < arguments.length; i++) {
            if (arguments[i].equals("-D") && Path.of(arguments[i + 1]).normalize().equals(data.normalize())) {
                return true;
            }
        }
        return false;
    }

    /** The server's PID, the first line of {@code postmaster.pid}; empty when there is no such file or it is torn. */
    private static Optional<Long> leftoverPid(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try (var lines = Files.lines(pidFile)) {
            return lines.findFirst().map(String::strip).filter(line -> line.matches("[0-9]+")).map(Long::parseLong);
        } catch (NoSuchFileException e) {
            // the server removed it between the two looks: nothing left over
            return Optional.empty();
        }
    }

    /** Whether {@link #start} found a server an earlier owner had left running in the directory, and stopped it. */
    public boolean stoppedLeftover() {
        return stoppedLeftover;
    }

    /**
     * As root the cluster belongs to the postgres OS user, who may not be able to enter the requested
     * directory (a checkout under /root, say). Then the cluster lives under that user's home instead,
     * in a directory named after the requested one, so each checkout keeps its own cluster.
     */
    private static Path usableDirectory(Path requested) throws IOException {
        Files.createDirectories(requested);
        if (!isRoot()) {
            return requested;
        }
        run(List.of("chown", "postgres", requested.toString()));
        if (succeeds(List.of("runuser", "-u", "postgres", "--", "test", "-w", requested.toString()))) {
            return requested;
        }
        String home = System.getProperty("vigil.postgres.home", "/var/lib/postgresql");
        Path fallback = Path.of(home, "vigil", Integer.toHexString(requested.toString().hashCode()));
        run(List.of("runuser", "-u", "postgres", "--", "mkdir", "-p", fallback.toString()));
        return fallback;
    }

    private static boolean succeeds(List<String> command) {
        try {
            run(command);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The server's log file. */
    public Path serverLog() {
        return dir.resolve("server.log");
    }

    public String host() {
        return "127.0.0.1";
    }

    public Path binDir() {
        return bin;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates a database unless it exists. */
    public void createDatabase(String name) {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            var exists = statement.executeQuery("select 1 from pg_database where datname = '" + name.replace("'", "''") + "'");
            if (!exists.next()) {
                statement.execute("create database \"" + name.replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
    }

    /** Runs SQL statements (separated by the driver, not by this method) in a database as the superuser. */
    public void execute(String database, String sql) {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code role} log in over TCP with its password (scram-sha-256) instead of trust, as a
     * real server would; other roles keep trust authentication.
     */
    public void requirePassword(String role) {
        Path hba = dir.resolve("data").resolve("pg_hba.conf");
        try {
            String rule = "host all \"" + role + "\" 127.0.0.1/32 scram-sha-256\n";
            String current = Files.readString(hba);
            if (!current.contains(rule)) {
                Files.writeString(hba, rule + current);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not edit " + hba, e);
        }
        execute("postgres", "select pg_reload_conf()");
    }

    /** A role's name and password; the password is never printed. */
    public record Login(String role, String password) {

        @Override
        public String toString() {
            return "Login[" + role + "]";
        }
    }

    /**
     * Makes {@code role} (if missing) a role that may log in and create databases and nothing else:
     * no superuser, no CREATEROLE, no membership in pg_read_server_files, pg_write_server_files or
     * pg_execute_server_program; with a password drawn once per instance, set again on every call,
     * so a cluster kept between runs gets it too. Idempotent. Authentication stays as it is (trust);
     * {@link #requirePassword} makes the role need its password.
     */
    public Login leastPrivilegeRole(String role) {
        if (!role.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("a role name of lower-case letters, digits and _ please: " + role);
        }
        String password = passwords.computeIfAbsent(role, r -> java.util.UUID.randomUUID().toString());
        String attributes = role + " login createdb nosuperuser nocreaterole password '" + password + "'";
        execute("postgres", "do $$ begin if not exists (select from pg_roles where rolname = '" + role + "') then create role " + attributes
                + "; else alter role " + attributes + "; end if; end $$");
        for (String serverRole : List.of("pg_read_server_files", "pg_write_server_files", "pg_execute_server_program")) {
            execute("postgres", "revoke " + serverRole + " from " + role);
        }
        return new Login(role, password);
    }

    /** {@link #leastPrivilegeRole} for {@link #VERIFIER_ROLE}. */
    public Login verifierRole() {
        return leastPrivilegeRole(VERIFIER_ROLE);
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, "");
    }

    @Override
    public void close() {
        try {
            runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
        } catch (IOException | RuntimeException e) {
            // already stopped, or the directory is gone: nothing left to stop
        }
    }

    private static Path tempDirectory() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void runAsOwner(List<String> command) throws IOException {
        if (isRoot()) {
            List<String> asPostgres = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
            asPostgres.addAll(command);
            run(asPostgres);
        } else {
            run(command);
        }
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + command.get(command.size() > 4 ? 4 : 0));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + output.strip());
        }
    }
}
