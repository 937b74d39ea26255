package dev.vigil.bench;

import dev.vigil.dev.DevLauncher;
import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/**
 * The whole product as {@code ./vigil dev} runs it (a broker and an S3 endpoint in this JVM, the
 * services' tables in the database {@code vigil} of the given PostgreSQL, the same settings), except
 * that each of the five services runs as a process of its own, from its executable jar, so its peak
 * RSS can be read; the dump worker and the verifier may run as several processes. Logs go to
 * {@code <dir>/logs/<process>.log}, a process named after its service ({@code dump-worker}), the
 * second and further ones of a service numbered ({@code dump-worker-2}). Not thread-safe.
 */
final class ProductStack implements AutoCloseable {

    private static final Pattern SECRET_ARGUMENT = Pattern.compile("--(vigil\\.[a-z-]+\\.encryption-keys)=(.*)");

    private final Path dir;
    private final LocalKafka kafka;
    private final LocalS3 s3;
    private final Map<String, Process> services = new LinkedHashMap<>();
    private final int apiPort;

    private ProductStack(Path dir, LocalKafka kafka, LocalS3 s3, int apiPort) {
        this.dir = dir;
        this.kafka = kafka;
        this.s3 = s3;
        this.apiPort = apiPort;
    }

    /**
     * Starts a fresh stack under {@code dir} (emptied first), with one target, {@code targetId}, the
     * database {@code database} of {@code postgres}; returns when every service has started, the
     * scheduler has written the admin token and the services' consumer groups have settled.
     */
    static ProductStack start(Path dir, LocalPostgres postgres, String targetId, String database) throws Exception {
        return start(dir, postgres, List.of(new Target(targetId, database)), 1, 1);
    }

    /** A target of the stack: its id and its database on the stack's PostgreSQL. */
    record Target(String id, String database) {
    }

    /**
     * Starts a fresh stack under {@code dir} (emptied first) with the given targets (one targets file,
     * as ./vigil dev reads it), {@code workers} dump-worker processes and {@code verifiers} verifier
     * processes; returns when every process has started, the scheduler has written the admin token and
     * the services' consumer groups have settled.
     */
    static ProductStack start(Path dir, LocalPostgres postgres, List<Target> targets, int workers, int verifiers) throws Exception {
        deleteRecursively(dir);
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        postgres.execute("postgres", "drop database if exists vigil with (force)");
        postgres.createDatabase("vigil");
        // Kafka's storage formatter prints to standard output; keep the console to the benchmark's lines.
        PrintStream out = System.out;
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
        LocalKafka kafka;
        try {
            kafka = LocalKafka.start();
        } finally {
            System.setOut(out);
        }
        ProductStack stack = new ProductStack(dir, kafka, LocalS3.start(Files.createDirectories(dir.resolve("s3")), 0), FreePorts.next());
        try {
            // A schedule that never fires during a run: every backup of the benchmark is one it asked for.
            StringBuilder file = new StringBuilder("targets:\n");
            for (Target target : targets) {
                file.append("  - id: ").append(target.id()).append("\n    host: ").append(postgres.host()).append("\n    port: ").append(postgres.port())
                        .append("\n    database: ").append(target.database()).append("\n    username: ").append(LocalPostgres.SUPERUSER)
                        .append("\n    schedule: \"0 0 1 1 *\"\n");
            }
            Path targetsFile = Files.writeString(dir.resolve("targets.yml"), file);
            EmbeddedStack.Settings settings = DevLauncher.settings(dir, postgres, kafka, stack.s3, targetsFile, stack.apiPort);
            int storagePort = FreePorts.next();
            for (String service : EmbeddedStack.SERVICES) {
                int port = service.equals("scheduler-service") ? stack.apiPort : service.equals("storage-service") ? storagePort : 0;
                int instances = service.equals("dump-worker") ? workers : service.equals("verifier-service") ? verifiers : 1;
                for (int instance = 1; instance <= instances; instance++) {
                    String name = instance == 1 ? service : service + "-" + instance;
                    List<String> arguments = new ArrayList<>(EmbeddedStack.arguments(service, settings, port, storagePort));
                    if (service.equals("verifier-service") && instances > 1) {
                        // Each verifier drops the scratch databases of its own instance id at start-up: one each, or they drop each other's.
                        arguments.add("--vigil.verifier.instance-id=" + name);
                    }
                    stack.launch(name, service, arguments, settings.kafkaPassword().apply(service));
                }
            }
            for (String process : stack.services.keySet()) {
                stack.awaitLog(process, "Started ", Duration.ofMinutes(5));
            }
            stack.awaitConsumerGroups(Duration.ofMinutes(2));
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    /** The scheduler's API. */
    String apiUrl() {
        return "http://localhost:" + apiPort;
    }

    /** The admin access token the scheduler wrote on its first start. */
    String adminToken() throws IOException {
        return Files.readString(dir.resolve("admin-token")).strip();
    }

    Path log(String process) {
        return dir.resolve("logs").resolve(process + ".log");
    }

    /** The stack's processes' names, in the order they started. */
    List<String> processes() {
        return List.copyOf(services.keySet());
    }

    /** Every object key in the stack's bucket (the artifacts, their manifests, whatever else the storage service wrote). */
    List<String> bucketKeys(String bucket) {
        try (var client = s3.client()) {
            return client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(o -> o.key()).toList();
        }
    }

    /**
     * CPU time each process has used so far (user and system, {@code /proc/PID/stat}), in seconds, by process name; the
     * benchmark's own JVM, which runs the broker and the S3 endpoint, as {@code "broker and S3"}.
     */
    Map<String, Double> cpuSeconds() throws IOException {
        Map<String, Double> used = new LinkedHashMap<>();
        for (Map.Entry<String, Process> service : services.entrySet()) {
            used.put(service.getKey(), cpuSeconds(service.getValue().pid()));
        }
        used.put("broker and S3", cpuSeconds(ProcessHandle.current().pid()));
        return used;
    }

    /**
     * Each process's CPU seconds by thread name, digits dropped ({@code C2 CompilerThre}, {@code dump-},
     * {@code GC Thread#}...): where a round's CPU went inside each process, JIT compilation included.
     */
    Map<String, Map<String, Double>> threadCpuSeconds() {
        Map<String, Map<String, Double>> used = new LinkedHashMap<>();
        for (Map.Entry<String, Process> service : services.entrySet()) {
            used.put(service.getKey(), threadCpuSeconds(service.getValue().pid()));
        }
        used.put("broker and S3", threadCpuSeconds(ProcessHandle.current().pid()));
        return used;
    }

    private static Map<String, Double> threadCpuSeconds(long pid) {
        Map<String, Double> byName = new java.util.TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]", "");
                    byName.merge(name, cpuSecondsOf(stat), Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException gone) {
            // the process ended
        }
        return byName;
    }

    private static double cpuSeconds(long pid) throws IOException {
        return cpuSecondsOf(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
    }

    /** User and system CPU seconds of a process's or thread's {@code /proc/…/stat} line. */
    private static double cpuSecondsOf(String stat) {
        // After the command's name in parentheses: state is field 3, utime 14 and stime 15, in clock ticks (100 a second).
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** Each process's peak resident set size so far, in kB ({@code VmHWM} of /proc/PID/status), by process name. */
    Map<String, Long> peakRssKb() throws IOException {
        Map<String, Long> peaks = new LinkedHashMap<>();
        for (Map.Entry<String, Process> service : services.entrySet()) {
            String status = Files.readString(Path.of("/proc", String.valueOf(service.getValue().pid()), "status"));
            peaks.put(service.getKey(), status.lines().filter(line -> line.startsWith("VmHWM:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElseThrow());
        }
        return peaks;
    }

    private void launch(String name, String service, List<String> arguments, String kafkaPassword) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("..", service, "target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches(Pattern.quote(service) + "-.*-exec\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("build the services first: ./mvnw -DskipTests package -pl " + service + " -am"));
        }
        // The JVM options ./vigil gives the embedded default's one JVM.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + dir.resolve("tmp")));
        // For trying JVM options on one service: BENCH_JVM_SCHEDULER_SERVICE="-XX:TieredStopAtLevel=1", say.
        String extra = System.getenv().getOrDefault("BENCH_JVM_" + service.toUpperCase(java.util.Locale.ROOT).replace('-', '_'), "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        // Secrets by environment, never in the arguments: the encryption keyring goes as SPRING_APPLICATION_JSON.
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String argument : arguments) {
            Matcher keyring = SECRET_ARGUMENT.matcher(argument);
            if (keyring.matches()) {
                secrets.put(keyring.group(1), keyring.group(2));
            } else {
                command.add(argument);
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(name).toFile());
        builder.environment().put("SPRING_APPLICATION_JSON", dev.vigil.contracts.json.EventJson.writeString(secrets));
        builder.environment().put("VIGIL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        builder.environment().put("VIGIL_KAFKA_PASSWORD", kafkaPassword);
        builder.environment().put("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY);
        builder.environment().put("AWS_REGION", LocalS3.REGION);
        services.put(name, builder.start());
    }

    private void awaitLog(String service, String line, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path log = log(service);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            if (!services.get(service).isAlive()) {
                throw new IllegalStateException(service + " ended while starting; see " + log);
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(service + " did not start within " + timeout + "; see " + log);
    }

    /**
     * Waits until the services' consumer groups are all stable and their number has not changed for
     * three seconds, so no first event waits for a consumer to join: the first backup then measures
     * the services, not their start-up.
     */
    private void awaitConsumerGroups(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(kafka.clientProperties(LocalKafka.ADMIN))) {
            int settledFor = 0;
            int groups = -1;
            while (System.nanoTime() < deadline) {
                List<String> ids = admin.listConsumerGroups().all().get().stream().map(g -> g.groupId()).toList();
                Collection<ConsumerGroupDescription> described = admin.describeConsumerGroups(ids).all().get().values();
                boolean stable = !ids.isEmpty() && described.stream().allMatch(g -> g.groupState() == GroupState.STABLE);
                settledFor = stable && ids.size() == groups ? settledFor + 1 : 0;
                groups = ids.size();
                if (settledFor >= 3) {
                    return;
                }
                Thread.sleep(1000);
            }
        }
        throw new IllegalStateException("the services' consumer groups did not settle within " + timeout);
    }

    @Override
    public void close() throws Exception {
        // The scheduler first and the consumers last, as the embedded stack closes them.
        List<Process> running = new ArrayList<>(services.values());
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).destroy();
            running.get(i).waitFor();
        }
        s3.close();
        kafka.close();
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path each : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }
}
