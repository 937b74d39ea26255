package dev.vigil.e2e;

import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.BrokerRights;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.FaultyProxy;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The five services as processes of their own (the executable jars the images run) for the fault
 * suite, so that any of them can be SIGKILLed and started again, on infrastructure the faults can
 * reach: the shared broker; a PostgreSQL cluster of the services' own (restartable without touching
 * the targets or the verifier's scratch server, which stay in the shared cluster); the shared S3
 * endpoint, which the storage service reaches through a proxy that can slow its uploads; and a Slack
 * webhook receiver for the notifier's alerts. The targets are {@value #GOOD_TARGETS} copies of one
 * small database ({@code shop-1}…) and, for faults that should alert, targets nothing listens on
 * ({@code down-1}…), one per fault so each fault opens an incident of its own.
 */
final class FaultStack implements AutoCloseable {

    static final String BUCKET = "faults-backups";
    static final String INSTANCE = "faults";
    static final int GOOD_TARGETS = 3;
    private static final int DOWN_TARGETS = 8;
    private static final List<String> START_ORDER = List.of(BrokerRights.NOTIFIER, BrokerRights.VERIFIER, BrokerRights.STORAGE,
            BrokerRights.WORKER, BrokerRights.SCHEDULER);

    private final Path dir;
    private final Path servicesCluster;
    private final int servicesPort;
    private final Map<String, Process> running = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Integer> starts = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebhookReceiver slack = WebhookReceiver.start();
    private final FaultyProxy storeProxy = FaultyProxy.start("127.0.0.1", LocalS3.shared().port());
    private final S3Client s3 = LocalS3.shared().client();
    private final Path targetsFile;
    private volatile LocalPostgres services;
    private JobsApi api;
    private int nextDown = 1;

    private FaultStack(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.servicesCluster = dir.resolve("services-pg");
        this.servicesPort = FreePorts.next();
        LocalPostgres targets = LocalPostgres.shared();
        DemoDatabase.load(targets, "shop_faults");
        // Incompressible enough that an upload through a slowed store takes seconds, small enough to dump and restore in one.
        targets.execute("shop_faults", """
                drop table if exists public.filler;
                create table public.filler(id int primary key, noise text);
                insert into public.filler select g, md5(g::text) || md5((g * 17)::text) || md5((g * 31)::text) from generate_series(1, 12000) g;
                """);
        StringBuilder yaml = new StringBuilder("targets:\n");
        for (int i = 1; i <= GOOD_TARGETS; i++) {
            yaml.append("  - {id: shop-").append(i).append(", host: 127.0.0.1, port: ").append(targets.port())
                    .append(", database: shop_faults, username: postgres}\n");
        }
        // Nothing listens on these ports: each backup fails at DUMP, UNREACHABLE, and opens an incident.
        for (int i = 1; i <= DOWN_TARGETS; i++) {
            yaml.append("  - {id: down-").append(i).append(", host: 127.0.0.1, port: ").append(FreePorts.next())
                    .append(", database: gone, username: backup}\n");
        }
        this.targetsFile = Files.writeString(dir.resolve("targets.yml"), yaml);
        this.services = LocalPostgres.start(servicesCluster, servicesPort);
        services.createDatabase("vigil");
    }

    /** Starts the infrastructure and the five services, and waits until each answers its health probe. */
    static FaultStack start(Path dir) throws Exception {
        FaultStack stack = new FaultStack(dir);
        try {
            for (String service : START_ORDER) {
                stack.launch(service);
            }
            for (String service : START_ORDER) {
                stack.awaitHealthy(service);
            }
            stack.api = new JobsApi(stack.schedulerPort(), Files.readString(dir.resolve("admin-token")).strip());
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    JobsApi api() {
        return api;
    }

    WebhookReceiver slack() {
        return slack;
    }

    FaultyProxy storeProxy() {
        return storeProxy;
    }

    S3Client s3() {
        return s3;
    }

    Path staging() {
        return dir.resolve("staging");
    }

    /** A target nothing listens on that no fault has used yet: its first failure opens an incident of its own. */
    String freshDownTarget() {
        if (nextDown > DOWN_TARGETS) {
            throw new IllegalStateException("only " + DOWN_TARGETS + " unreachable targets in the targets file");
        }
        return "down-" + nextDown++;
    }

    /** The services' own database, on the cluster the faults restart. */
    Connection servicesDatabase() throws java.sql.SQLException {
        return services.connect("vigil");
    }

    long count(String sql) throws Exception {
        try (Connection connection = servicesDatabase(); ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** SIGKILLs the service's process, as a machine or container dying does. */
    void kill(String service) throws InterruptedException {
        Process process = running.remove(service);
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(service + " did not die within 30 s of SIGKILL");
        }
    }

    /** Starts the service again, on the same port, and waits until it answers its health probe. */
    void restart(String service) throws Exception {
        launch(service);
        awaitHealthy(service);
    }

    /** Stops the services' PostgreSQL cluster (fast shutdown: sessions are cut), keeps it down for {@code downFor}, starts it again. */
    void restartServicesDatabase(Duration downFor) throws InterruptedException {
        services.close();
        Thread.sleep(downFor.toMillis());
        services = LocalPostgres.start(servicesCluster, servicesPort);
    }

    /** The log of the service's latest run. */
    Path log(String service) {
        return dir.resolve(service + "-" + starts.getOrDefault(service, 1) + ".log");
    }

    private int schedulerPort() {
        return ports.get(BrokerRights.SCHEDULER);
    }

    private void launch(String service) throws IOException {
        int port = ports.computeIfAbsent(service, s -> FreePorts.next());
        starts.merge(service, 1, Integer::sum);
        List<String> args = new ArrayList<>(List.of("--server.port=" + port,
                // Notice a killed consumer within seconds, not the default 45, so its partitions move on.
                "--spring.cloud.stream.kafka.binder.consumerProperties.session.timeout.ms=8000",
                "--spring.cloud.stream.kafka.binder.consumerProperties.heartbeat.interval.ms=2000"));
        List<String> database = List.of("--spring.datasource.url=" + services.jdbcUrl("vigil"),
                "--spring.datasource.username=" + LocalPostgres.SUPERUSER);
        LocalPostgres scratch = LocalPostgres.shared();
        switch (service) {
            case BrokerRights.SCHEDULER -> {
                args.addAll(database);
                args.addAll(List.of("--vigil.scheduler.targets-file=" + targetsFile,
                        "--vigil.scheduler.bootstrap-token-file=" + dir.resolve("admin-token"),
                        "--vigil.scheduler.bootstrap-password-file=" + dir.resolve("admin-password"),
                        "--vigil.scheduler.storage-url=http://localhost:" + ports.get(BrokerRights.STORAGE)));
            }
            case BrokerRights.WORKER -> args.addAll(List.of("--vigil.staging.dir=" + staging(), "--vigil.worker.worker-id=faults-worker",
                    "--vigil.worker.retry.initial-backoff=200ms"));
            case BrokerRights.STORAGE -> {
                args.addAll(database);
                args.addAll(List.of("--vigil.storage.endpoint=" + storeProxy.endpoint(), "--vigil.storage.bucket=" + BUCKET,
                        "--vigil.storage.create-bucket=true", "--vigil.staging.dir=" + staging(),
                        "--vigil.storage.upload.initial-backoff=200ms", "--vigil.storage.upload.pending-initial-wait=500ms",
                        "--vigil.storage.upload.pending-max-wait=2s", "--vigil.storage.upload.pending-check=300ms"));
            }
            case BrokerRights.VERIFIER -> {
                args.addAll(database);
                args.addAll(List.of("--vigil.verifier.endpoint=" + LocalS3.shared().endpoint(),
                        "--vigil.verifier.scratch.host=" + scratch.host(), "--vigil.verifier.scratch.port=" + scratch.port(),
                        "--vigil.verifier.scratch.username=" + scratch.verifierRole().role(), "--vigil.verifier.instance-id=" + INSTANCE,
                        "--vigil.verifier.work-dir=" + dir.resolve("verify")));
            }
            case BrokerRights.NOTIFIER -> {
                args.addAll(database);
                // Alerts go to Slack only here: no SMTP server, so its health indicator stays out of the probe.
                args.addAll(List.of("--vigil.notifier.delivery-interval=200ms", "--management.health.mail.enabled=false"));
            }
            default -> throw new IllegalArgumentException(service);
        }
        ProcessBuilder builder = ServiceProcesses.java(service, log(service), args);
        // Secrets by environment, never in the arguments.
        builder.environment().put("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY);
        if (service.equals(BrokerRights.NOTIFIER)) {
            builder.environment().put("VIGIL_SLACK_WEBHOOK_URL", slack.url("/services/T0/B0/faults"));
            builder.environment().put("VIGIL_NOTIFIER_DELIVERY_MAX_BACKOFF", "1s");
        }
        running.put(service, builder.start());
    }

    private void awaitHealthy(String service) throws IOException {
        Process process = running.get(service);
        URI health = URI.create("http://localhost:" + ports.get(service) + "/actuator/health");
        try {
            await(service + " healthy").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .failFast(service + " ended", () -> !process.isAlive())
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "; its log " + log(service) + ":\n" + Files.readString(log(service)), e);
        }
    }

    @Override
    public void close() {
        for (Process process : running.values()) {
            process.destroyForcibly();
        }
        for (Process process : running.values()) {
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (api != null) {
            api.close();
        }
        http.close();
        slack.close();
        storeProxy.close();
        s3.close();
        if (services != null) {
            services.close();
        }
    }
}
