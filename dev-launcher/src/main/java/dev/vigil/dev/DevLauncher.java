package dev.vigil.dev;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.PostgresBinaries;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.core.NestedExceptionUtils;
import sun.misc.Signal;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./vigil dev}: the embedded default. Starts PostgreSQL (the services' tables and a demo
 * database), a Kafka broker and an S3 endpoint on loopback, all five services in this JVM, runs one
 * backup of the demo database and prints each stage, then stays up until Ctrl-C.
 */
public final class DevLauncher {

    private static final PrintStream out = System.out;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final String USAGE = """
            usage: ./vigil dev [--target NAME=postgresql://USER@HOST:PORT/DB]... [--port 8080] [--data-dir .vigil] [--once]
              --target    also back up your own database (repeatable); the password comes from PGPASSWORD or ~/.pgpass
              --port      where the API answers (default 8080)
              --data-dir  where PostgreSQL, the S3 store, staging and logs live (default .vigil)
              --once      exit after the demo backup: status 0 when it ends VERIFIED""";

    private DevLauncher() {
    }

    record Options(List<TargetOption> targets, int port, Path dataDir, boolean once) {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("vigil: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Path dataDir = options.dataDir().toAbsolutePath();
        Files.createDirectories(dataDir.resolve("logs"));
        Optional<String> otherLauncher = lockDataDir(dataDir);
        if (otherLauncher.isPresent()) {
            System.err.println("vigil: another ./vigil dev (" + otherLauncher.get() + ") is using " + dataDir
                    + "; stop it, or pass --data-dir DIR to run a second one");
            System.exit(1);
        }
        removeLeftoverTemporaryFiles(dataDir);
        System.setProperty("VIGIL_LOG_FILE", dataDir.resolve("logs/vigil.log").toString());
        System.setProperty("logback.configurationFile", "vigil-dev-logback.xml");
        // One logging setup for the whole JVM, made once: were each service's start to reset it (Spring
        // Boot's logging system does), the broker's threads, logging all along, would meet a moment
        // without appenders, and logback would say so on the console.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        // What Spring Boot's logging system would otherwise do: java.util.logging (Tomcat's) into the same setup.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        if (PostgresBinaries.find().isEmpty()) {
            System.err.println("vigil: PostgreSQL binaries not found: install them (Debian: apt-get install -y postgresql), or set VIGIL_PG_BIN");
            System.exit(1);
        }
        if (!apiPortFree(options.port())) {
            System.err.println(apiPortTaken(options.port()));
            System.exit(1);
        }
        try {
            System.exit(run(options, dataDir));
        } catch (Exception e) {
            System.err.println(startFailure(e, options.port(), dataDir.resolve("logs/vigil.log")));
            System.exit(1);
        }
    }

    static String apiPortTaken(int port) {
        return "vigil: port " + port + " is in use; stop what uses it or pass --port N";
    }

    /**
     * What to tell the user when the stack did not start. A port taken between the check and the
     * bind is said plainly: the API port as before the start; one the launcher picked itself (broker,
     * S3 endpoint, PostgreSQL, the other services) was free a moment earlier, so running again helps.
     */
    static String startFailure(Throwable e, int apiPort, Path log) {
        if (causes(e).anyMatch(cause -> cause instanceof PortInUseException taken && taken.getPort() == apiPort)) {
            return apiPortTaken(apiPort);
        }
        String root = rootMessage(e);
        if (root.contains("Address already in use") || causes(e).anyMatch(BindException.class::isInstance)) {
            return "vigil: could not start: another program took a port the launcher had picked (" + root + "); run it again (details in "
                    + log + ")";
        }
        return "vigil: could not start: " + root + " (details in " + log + ")";
    }

    private static Stream<Throwable> causes(Throwable e) {
        return Stream.iterate(e, Objects::nonNull, cause -> cause.getCause() == cause ? null : cause.getCause());
    }

    /**
     * One launcher per data directory: whoever holds this lock owns everything under it, so a
     * PostgreSQL still running there was left by a launcher that died and may be stopped. The
     * operating system releases the lock when the process ends in any way, SIGKILL included. Held in
     * a field for the launcher's whole life, since an unreachable channel is closed by the JVM.
     */
    private static FileChannel dataDirLock;

    /** Takes the data directory's lock; answers who holds it when another launcher does. */
    static Optional<String> lockDataDir(Path dataDir) throws IOException {
        FileChannel channel = FileChannel.open(dataDir.resolve("launcher.lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (channel.tryLock() == null) {
            String holder = new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8).strip();
            channel.close();
            return Optional.of(holder.isEmpty() ? "another process" : holder);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
        dataDirLock = channel;
        return Optional.empty();
    }

    /**
     * A launcher that did not end normally leaves the broker's log directories (with their lock
     * files) and the web servers' work directories in its temporary directory, which ./vigil puts
     * in the data directory. Whoever holds the data directory's lock owns them, so entries older than
     * this JVM are removed; a temporary directory outside the data directory is not ours to clean.
     */
    private static void removeLeftoverTemporaryFiles(Path dataDir) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        if (!tmp.startsWith(dataDir.normalize()) || tmp.equals(dataDir.normalize()) || !Files.isDirectory(tmp)) {
            return;
        }
        // Where the system does not say when this JVM started, now is as late as can be: nothing of this run is in tmp yet.
        Instant started = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
        try (Stream<Path> entries = Files.list(tmp)) {
            for (Path entry : entries.toList()) {
                try {
                    if (Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(started)) {
                        deleteRecursively(entry);
                    }
                } catch (IOException e) {
                    // Only disk space is at stake: say so and start anyway.
                    System.err.println("vigil: could not remove " + entry + " left by an earlier run: " + e.getMessage());
                }
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path each : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(e);
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    static Options parse(String[] args) {
        List<TargetOption> targets = new ArrayList<>();
        int port = 8080;
        Path dataDir = Path.of(".vigil");
        boolean once = false;
        List<String> rest = new ArrayList<>(List.of(args));
        if (!rest.isEmpty() && rest.getFirst().equals("dev")) {
            rest.removeFirst();
        }
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            switch (arg) {
                case "--target" -> targets.add(TargetOption.parse(value(rest, ++i, arg)));
                case "--port" -> {
                    try {
                        port = Integer.parseInt(value(rest, ++i, arg));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port expects a number");
                    }
                }
                case "--data-dir" -> dataDir = Path.of(value(rest, ++i, arg));
                case "--once" -> once = true;
                case "-h", "--help" -> throw new IllegalArgumentException("help");
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        Set<String> names = new LinkedHashSet<>(List.of("demo"));
        for (TargetOption target : targets) {
            if (!names.add(target.name())) {
                throw new IllegalArgumentException("--target " + target.name() + " is given twice (or is the reserved name 'demo')");
            }
        }
        return new Options(targets, port, dataDir, once);
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }

    private static int run(Options options, Path dataDir) throws Exception {
        long started = System.nanoTime();
        out.println("Vigil dev: data in " + dataDir + ", logs in " + dataDir.resolve("logs/vigil.log"));
        List<AutoCloseable> running = new ArrayList<>();
        // Ctrl-C and SIGTERM stop everything in order, services first while the broker still runs,
        // before the JVM's shutdown hooks (Kafka's own deletes the broker's files) get a chance.
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String signal : List.of("INT", "TERM")) {
            Signal.handle(new Signal(signal), s -> stopRequested.countDown());
        }
        Thread fallback = new Thread(() -> closeAll(running), "vigil-dev-shutdown");
        Runtime.getRuntime().addShutdownHook(fallback);

        step("PostgreSQL");
        LocalPostgres postgres = LocalPostgres.start(dataDir.resolve("postgres"), FreePorts.next());
        running.add(postgres);
        postgres.createDatabase("vigil");
        DemoDatabase.load(postgres, "demo");
        Map<String, Long> demoCounts = DemoDatabase.rowCounts(postgres, "demo");
        done("127.0.0.1:" + postgres.port() + ", demo database: " + demoCounts.size() + " tables, "
                + demoCounts.values().stream().mapToLong(Long::longValue).sum() + " rows"
                + (postgres.stoppedLeftover() ? " (stopped the server an earlier launcher left running)" : ""));

        step("Kafka broker");
        // Kafka's storage formatter prints to standard output; keep the console to the launcher's lines.
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
        LocalKafka kafka;
        try {
            kafka = LocalKafka.start(portFree(9092) ? 9092 : 0);
        } finally {
            System.setOut(out);
        }
        running.add(kafka);
        done(kafka.bootstrapServers());

        step("S3 endpoint");
        Path s3Data = Files.createDirectories(dataDir.resolve("s3"));
        LocalS3 s3 = LocalS3.start(s3Data, 0);
        running.add(s3);
        System.setProperty("aws.accessKeyId", LocalS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", LocalS3.SECRET_KEY);
        done(s3.endpoint() + ", bucket vigil-backups in " + s3Data);

        step("five services");
        Path targets = writeTargets(dataDir, postgres, options.targets());
        EmbeddedStack stack = EmbeddedStack.start(settings(dataDir, postgres, kafka, s3, targets, options.port()));
        running.add(stack);
        done("scheduler, dump worker, storage (copies also in " + dataDir.resolve("replica") + "), verifier, notifier; API on http://localhost:"
                + stack.schedulerPort());
        out.printf("Ready in %.1f s.%n%n", (System.nanoTime() - started) / 1e9);

        String token = stack.adminToken();
        out.println("Admin access token: " + stack.adminTokenFile() + " (readable by you only; every API call needs it, or a token an admin makes)");
        String status = backUp(stack.schedulerPort(), "demo", token);
        if (options.once()) {
            stop(running);
            return "VERIFIED".equals(status) ? 0 : 1;
        }
        out.println();
        out.println("Vigil is up. The operations page: http://localhost:" + stack.schedulerPort() + "/admin/operations (user admin, password in "
                + stack.adminPasswordFile() + ")");
        out.println("Try:");
        out.println("  export VIGIL_URL=http://localhost:" + stack.schedulerPort() + " VIGIL_TOKEN_FILE=" + stack.adminTokenFile());
        out.println("  ./vigil backup demo --note \"my first backup\" --wait");
        out.println("  ./vigil jobs demo");
        for (TargetOption target : options.targets()) {
            out.println("  ./vigil backup " + target.name() + " --wait");
        }
        out.println("  curl -H \"Authorization: Bearer $(cat $VIGIL_TOKEN_FILE)\" 'http://localhost:" + stack.port("notifier-service")
                + "/api/v1/incidents?state=open'");
        // A team's principal may publish BackupRequested and nothing else; its client settings for Kafka's tools.
        Path teamConfig = dataDir.resolve("kafka-team-demo.properties");
        kafka.addTeam("team-demo");
        kafka.writeClientConfig("team-demo", teamConfig);
        out.println("Teams can publish BackupRequested to " + kafka.bootstrapServers() + " (topic vigil.backup.requested), signed in");
        out.println("  as team-demo with the client settings in " + teamConfig + " (e.g. kafka-console-producer.sh --producer.config).");
        out.println("Press Ctrl-C to stop.");
        stopRequested.await();
        out.println();
        stop(running);
        return 0;
    }

    /**
     * The settings {@code ./vigil dev} gives its services: the services' tables in {@code postgres}'s
     * database {@code vigil}, the broker, the S3 endpoint, staging, verification work and keys under
     * {@code dataDir}, an encryption key of its own, a local replica; the API on {@code port}. The
     * whole-product benchmark starts the services as processes of their own with the same settings.
     */
    public static EmbeddedStack.Settings settings(Path dataDir, LocalPostgres postgres, LocalKafka kafka, LocalS3 s3, Path targets, int port)
            throws IOException {
        String keyring = "dev:" + devKey(dataDir);
        return new EmbeddedStack.Settings(kafka.bootstrapServers(), kafka::password, postgres.jdbcUrl("vigil"),
                LocalPostgres.SUPERUSER, s3.endpoint(), "vigil-backups", dataDir.resolve("staging"), dataDir.resolve("verify"),
                postgres.host(), postgres.port(), postgres.verifierRole().role(), targets, port,
                Map.ofEntries(Map.entry("vigil.notifier.dashboard-url", "http://localhost:" + port),
                        Map.entry("vigil.scheduler.bootstrap-token-file", dataDir.resolve("admin-token").toAbsolutePath().toString()),
                        Map.entry("vigil.scheduler.bootstrap-password-file", dataDir.resolve("admin-password").toAbsolutePath().toString()),
                        Map.entry("vigil.worker.encryption-key-id", "dev"),
                        Map.entry("vigil.worker.encryption-keys", keyring),
                        Map.entry("vigil.verifier.encryption-keys", keyring),
                        // Restores on demand of the demo target may go into demo_* databases on the local server, no further.
                        Map.entry("vigil.verifier.restore-allow-list[0].target", "demo"),
                        Map.entry("vigil.verifier.restore-allow-list[0].databases", "demo_*"),
                        // The embedded S3 endpoint has no Object Lock (S3Proxy answers 501 and logs an
                        // ERROR for each question about it): do not ask.
                        Map.entry("vigil.storage.object-lock-mode", "OFF"),
                        // A second copy of every backup, in a local directory.
                        Map.entry("vigil.storage.replicas[0].name", "local-copy"),
                        Map.entry("vigil.storage.replicas[0].path", dataDir.resolve("replica").toAbsolutePath().toString())));
    }

    private static void stop(List<AutoCloseable> running) {
        out.println("Stopping...");
        closeAll(running);
        out.println("Stopped.");
    }

    /** Requests one backup through the API and prints each stage as the job registry reports it; answers the final status. */
    static String backUp(int port, String target, String token) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/targets/" + target + "/backups"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (accepted.statusCode() != 202) {
                out.println("Backup of " + target + " was refused: " + accepted.body());
                return "REFUSED";
            }
            String jobId = EventJson.mapper().readTree(accepted.body()).get("jobId").asString();
            out.println("Backup of " + target + ": job " + jobId);
            Set<String> printed = new LinkedHashSet<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode job = EventJson.mapper().readTree(http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/jobs/" + jobId)).header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                for (var stage : job.get("stages").properties()) {
                    if (printed.add(stage.getKey())) {
                        out.printf("  %-9s %s  %s%n", stage.getKey(), clock(stage.getValue().asString()), detail(stage.getKey(), job));
                    }
                }
                String status = job.get("status").asString();
                if (status.equals("VERIFIED") || status.equals("FAILED") || status.equals("INCONCLUSIVE")) {
                    if (status.equals("FAILED") && !printed.contains("FAILED")) {
                        out.printf("  %-9s %s  %s%n", "FAILED", clock(Instant.now().toString()), detail("FAILED", job));
                    }
                    return status;
                }
                Thread.sleep(200);
            }
            out.println("  still running after 10 minutes; see GET /api/v1/jobs/" + jobId);
            return "RUNNING";
        }
    }

    private static String detail(String stage, JsonNode job) {
        JsonNode artifact = job.path("artifact");
        return switch (stage) {
            case "REQUESTED" -> "by " + job.path("requestedBy").asString("api");
            case "DUMPING" -> "pg_dump running";
            case "DUMPED" -> artifact.isMissingNode() ? "" : String.format("%.1f MB %s%s, %d tables, pg_dump %s, server %s",
                    artifact.get("sizeBytes").asLong() / 1e6, artifact.path("compression").asString("uncompressed"),
                    artifact.hasNonNull("encryptionKeyId") ? ", encrypted (key " + artifact.get("encryptionKeyId").asString() + ")" : "",
                    artifact.get("tables").size(), artifact.get("pgDumpVersion").asString(), artifact.get("serverVersion").asString());
            case "STORED" -> job.path("location").isMissingNode() ? "" : "s3://" + job.get("location").get("bucket").asString() + "/"
                    + job.get("location").get("key").asString();
            case "VERIFIED" -> {
                JsonNode verification = job.path("verification");
                if ("INCONCLUSIVE".equals(verification.path("verdict").asString())) {
                    yield "verdict INCONCLUSIVE, the backup was not judged: "
                            + String.join("; ", verification.path("environmentProblems").valueStream().map(JsonNode::asString).toList());
                }
                if (!"PASSED".equals(verification.path("verdict").asString())) {
                    yield "verdict " + verification.path("verdict").asString() + ": "
                            + String.join("; ", verification.path("differences").valueStream().map(JsonNode::asString).toList());
                }
                long rows = 0;
                for (JsonNode table : verification.path("tables")) {
                    rows += table.path("foundRows").asLong();
                }
                yield "restored in " + verification.path("restoreMillis").asLong() + " ms; " + verification.path("tables").size()
                        + " tables, " + rows + " rows, all counts match the source";
            }
            case "FAILED" -> job.path("failure").path("failureClass").asString("") + ": " + job.path("failure").path("reason").asString("");
            default -> "";
        };
    }

    private static String clock(String instant) {
        return LocalTime.ofInstant(Instant.parse(instant), ZoneId.systemDefault()).format(CLOCK);
    }

    /**
     * The embedded default's encryption key: 32 random bytes made on the first run, kept in a file
     * only this user can read, so backups stored under the data directory stay readable across runs.
     */
    private static String devKey(Path dataDir) throws IOException {
        Path file = dataDir.resolve("keys").resolve("dev.key");
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    Base64.getEncoder().encodeToString(key));
        }
        return Files.readString(file).strip();
    }

    private static Path writeTargets(Path dataDir, LocalPostgres postgres, List<TargetOption> targets) throws IOException {
        StringBuilder yaml = new StringBuilder("# Written by ./vigil dev on each start; edit your own copy for a real deployment.\ntargets:\n")
                .append("  - id: demo\n    host: ").append(postgres.host()).append("\n    port: ").append(postgres.port())
                .append("\n    database: demo\n    username: ").append(LocalPostgres.SUPERUSER).append('\n');
        targets.forEach(target -> yaml.append(target.yaml()));
        return Files.writeString(dataDir.resolve("targets.yml"), yaml.toString());
    }

    /** Whether the API port can be bound on every address, as the scheduler's web server binds it. */
    private static boolean apiPortFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void step(String what) {
        out.printf("  starting %-14s ", what + "...");
        out.flush();
    }

    private static void done(String detail) {
        out.println("ok  " + detail);
    }

    private static synchronized void closeAll(List<AutoCloseable> running) {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("  ! could not stop " + running.get(i).getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        running.clear();
    }
}
