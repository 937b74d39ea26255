package dev.vigil.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL cluster of its own, made with the OS's {@code initdb} and run with {@code pg_ctl}
 * on a loopback port, trust authentication, superuser {@code postgres}. As root it runs the programs
 * as the {@code postgres} OS user, since initdb refuses root. A data directory that already holds a
 * cluster is reused, so the embedded default keeps its data between runs.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String SUPERUSER = "postgres";
    private static final Shared<LocalPostgres> SHARED = new Shared<>(() -> start(tempDirectory(), FreePorts.next()));

    private final Path dir;
    private final int port;
    private final Path bin;

    private LocalPostgres(Path dir, int port, Path bin) {
        this.dir = dir;
        this.port = port;
        this.bin = bin;
    }

    /** The cluster every test in this JVM shares; tests create databases of their own in it. */
    public static LocalPostgres shared() {
        return SHARED.get();
    }

    /** Initializes (if needed) and starts a cluster under {@code dir} on {@code port}. */
    public static LocalPostgres start(Path requestedDir, int port) {
        Path bin = PostgresBinaries.binDir();
        try {
            Path dir = usableDirectory(requestedDir.toAbsolutePath());
            Path data = dir.resolve("data");
            if (!Files.exists(data.resolve("PG_VERSION"))) {
                runAsOwner(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                        "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"));
            }
            Path socketDir = dir.resolve("socket");
            if (!Files.exists(socketDir)) {
                runAsOwner(List.of("mkdir", "-p", socketDir.toString()));
            }
            runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
                    "-l", dir.resolve("server.log").toString(),
                    "-o", "-p " + port + " -k " + socketDir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                            + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                    "start"));
            return new LocalPostgres(dir, port, bin);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL under " + requestedDir, e);
        }
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
