package dev.vigil.dev;

import dev.vigil.messaging.VigilApplication;
import dev.vigil.notifier.NotifierApplication;
import dev.vigil.scheduler.SchedulerApplication;
import dev.vigil.storage.StorageApplication;
import dev.vigil.verifier.VerifierApplication;
import dev.vigil.worker.WorkerApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * All five Vigil services in this JVM, each a Spring Boot application of its own with its own
 * settings file, wired to the given infrastructure. The embedded default and the end-to-end tests
 * start the stack the same way. Services start consumers first and the scheduler last.
 */
public final class EmbeddedStack implements AutoCloseable {

    /**
     * Where the infrastructure answers and where the services keep their files.
     *
     * @param kafkaPassword each service's password on the broker, by service name (its principal)
     * @param extra further settings for every service, e.g. the notifier's channels or logging
     */
    public record Settings(
            String kafkaBootstrapServers,
            Function<String, String> kafkaPassword,
            String jdbcUrl,
            String dbUsername,
            String s3Endpoint,
            String bucket,
            Path stagingDir,
            Path verifyWorkDir,
            String scratchHost,
            int scratchPort,
            String scratchUsername,
            Path targetsFile,
            int schedulerPort,
            Map<String, String> extra) {
    }

    /** The five services' names, in the order the stack starts them: consumers first, the scheduler last. */
    public static final List<String> SERVICES = List.of(NotifierApplication.NAME, VerifierApplication.NAME, StorageApplication.NAME,
            WorkerApplication.NAME, SchedulerApplication.NAME);

    private final List<ConfigurableApplicationContext> contexts;
    private final Path adminTokenFile;
    private final Path adminPasswordFile;

    private EmbeddedStack(List<ConfigurableApplicationContext> contexts, Path adminTokenFile, Path adminPasswordFile) {
        this.contexts = contexts;
        this.adminTokenFile = adminTokenFile;
        this.adminPasswordFile = adminPasswordFile;
    }

    /**
     * Where the scheduler writes the first admin access token: beside the staging directory, one file
     * per services' database (a token belongs to the database that keeps it), unless the settings'
     * extras name another {@code vigil.scheduler.bootstrap-token-file}.
     */
    static Path adminTokenFile(Settings settings) {
        String named = settings.extra().get("vigil.scheduler.bootstrap-token-file");
        return named != null ? Path.of(named)
                : settings.stagingDir().toAbsolutePath().resolveSibling("admin-token-" + Integer.toHexString(settings.jdbcUrl().hashCode()));
    }

    /** Starts the five services; if one fails, those already started are closed and the failure is thrown. */
    public static EmbeddedStack start(Settings settings) {
        return start(settings, true);
    }

    /**
     * Starts the services; without the dump worker when {@code withWorker} is false, for tests that
     * run workers as processes of their own.
     */
    public static EmbeddedStack start(Settings settings, boolean withWorker) {
        return start(settings, withWorker, true);
    }

    /** Starts the services; without the dump worker or the verifier, for tests that run them as processes of their own. */
    public static EmbeddedStack start(Settings settings, boolean withWorker, boolean withVerifier) {
        return start(settings, withWorker, withVerifier, true);
    }

    /**
     * Starts the services; without the dump worker, the verifier or the notifier, for tests that run
     * them as processes of their own.
     */
    public static EmbeddedStack start(Settings settings, boolean withWorker, boolean withVerifier, boolean withNotifier) {
        List<ConfigurableApplicationContext> started = new ArrayList<>();
        try {
            if (withNotifier) {
                started.add(run(NotifierApplication.class, NotifierApplication.NAME, settings, 0));
            }
            if (withVerifier) {
                started.add(run(VerifierApplication.class, VerifierApplication.NAME, settings, 0));
            }
            ConfigurableApplicationContext storage = run(StorageApplication.class, StorageApplication.NAME, settings, 0);
            started.add(storage);
            if (withWorker) {
                started.add(run(WorkerApplication.class, WorkerApplication.NAME, settings, 0));
            }
            started.add(run(SchedulerApplication.class, SchedulerApplication.NAME, settings,
                    ((WebServerApplicationContext) storage).getWebServer().getPort()));
        } catch (RuntimeException e) {
            Collections.reverse(started);
            started.forEach(ConfigurableApplicationContext::close);
            throw e;
        }
        return new EmbeddedStack(started, adminTokenFile(settings), adminPasswordFile(settings));
    }

    /** Where the scheduler writes the first admin user's password (the operations page), beside the admin token's file. */
    static Path adminPasswordFile(Settings settings) {
        String named = settings.extra().get("vigil.scheduler.bootstrap-password-file");
        return named != null ? Path.of(named) : adminTokenFile(settings).resolveSibling(adminTokenFile(settings).getFileName().toString()
                .replace("admin-token", "admin-password"));
    }

    /** The file holding the password of the user {@code admin}, for the operations page. */
    public Path adminPasswordFile() {
        return adminPasswordFile;
    }

    /** The file holding the admin access token the scheduler wrote on its first start. */
    public Path adminTokenFile() {
        return adminTokenFile;
    }

    /** The admin access token the scheduler wrote on its first start, for the API of every service. */
    public String adminToken() {
        try {
            return java.nio.file.Files.readString(adminTokenFile).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no admin token in " + adminTokenFile + " (an earlier run's scheduler wrote it and "
                    + "the file is gone: remove the services' database too, or create a token with an admin's): " + e.getMessage(), e);
        }
    }

    /** The port the scheduler's API answers on. */
    public int schedulerPort() {
        return ((WebServerApplicationContext) contexts.getLast()).getWebServer().getPort();
    }

    /** The port a service's HTTP server (actuator, and the notifier's incidents API) answers on, by the service's name. */
    public int port(String service) {
        return contexts.stream().filter(context -> service.equals(context.getEnvironment().getProperty("spring.application.name")))
                .map(context -> ((WebServerApplicationContext) context).getWebServer().getPort()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(service + " does not run in this stack"));
    }

    /** A service's bean, by the service's name: for tests that run a scheduled job now instead of waiting for its schedule. */
    public <T> T bean(String service, Class<T> type) {
        return contexts.stream().filter(context -> service.equals(context.getEnvironment().getProperty("spring.application.name")))
                .map(context -> context.getBean(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(service + " does not run in this stack"));
    }

    @Override
    public void close() {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            contexts.get(i).close();
        }
    }

    /**
     * The command-line settings this stack gives a service, by the service's name, for running it with
     * the same settings as a process of its own ({@code java -jar <service's jar> <these>}). Its broker
     * password is not among them: this stack gives it as a property source, a process takes it from
     * {@code VIGIL_KAFKA_PASSWORD}.
     *
     * @param serverPort  where its HTTP server answers (the scheduler: its API), 0 for a free port
     * @param storagePort where the storage service's API answers; read by the scheduler only
     */
    public static List<String> arguments(String service, Settings settings, int serverPort, int storagePort) {
        List<String> args = new ArrayList<>();
        args.add("--spring.cloud.stream.kafka.binder.brokers=" + settings.kafkaBootstrapServers());
        args.add("--server.port=" + serverPort);
        args.add("--spring.main.banner-mode=off");
        // The embedded stack answers on loopback: Prometheus scraping stays open as on a trusted network; the rest needs a token.
        args.add("--vigil.security.open-metrics=true");
        settings.extra().forEach((key, value) -> {
            if (!key.startsWith("vigil.scheduler.bootstrap-")) {
                args.add("--" + key + "=" + value);
            }
        });
        args.addAll(switch (service) {
            case NotifierApplication.NAME -> database(settings);
            case VerifierApplication.NAME -> join(database(settings), List.of(
                    "--vigil.verifier.endpoint=" + settings.s3Endpoint(),
                    "--vigil.verifier.scratch.host=" + settings.scratchHost(),
                    "--vigil.verifier.scratch.port=" + settings.scratchPort(),
                    "--vigil.verifier.scratch.username=" + settings.scratchUsername(),
                    "--vigil.verifier.work-dir=" + settings.verifyWorkDir()));
            case StorageApplication.NAME -> join(database(settings), List.of(
                    "--vigil.storage.endpoint=" + settings.s3Endpoint(),
                    "--vigil.storage.bucket=" + settings.bucket(),
                    "--vigil.storage.create-bucket=true",
                    "--vigil.staging.dir=" + settings.stagingDir()));
            case WorkerApplication.NAME -> List.of("--vigil.staging.dir=" + settings.stagingDir());
            case SchedulerApplication.NAME -> join(database(settings), List.of(
                    "--vigil.scheduler.targets-file=" + settings.targetsFile(),
                    // Given once: a setting given twice on the command line reaches Spring as both values joined by a comma.
                    "--vigil.scheduler.bootstrap-token-file=" + adminTokenFile(settings),
                    "--vigil.scheduler.bootstrap-password-file=" + adminPasswordFile(settings),
                    "--vigil.scheduler.storage-url=http://localhost:" + storagePort));
            default -> throw new IllegalArgumentException("no such service: " + service);
        });
        return args;
    }

    private static ConfigurableApplicationContext run(Class<?> application, String name, Settings settings, int storagePort) {
        // The API answers on the chosen port; the other services' actuator ports are picked free.
        List<String> args = arguments(name, settings, application == SchedulerApplication.class ? settings.schedulerPort() : 0, storagePort);
        // The broker password as a property source of its own, ahead of the settings files, not as an argument.
        Map<String, Object> secrets = Map.of("vigil.kafka.password", settings.kafkaPassword().apply(name));
        return VigilApplication.builder(application, name)
                .initializers(context -> context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("vigil-secrets", secrets)))
                .run(args.toArray(String[]::new));
    }

    private static List<String> database(Settings settings) {
        return List.of("--spring.datasource.url=" + settings.jdbcUrl(), "--spring.datasource.username=" + settings.dbUsername(),
                "--spring.datasource.password=");
    }

    private static List<String> join(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
