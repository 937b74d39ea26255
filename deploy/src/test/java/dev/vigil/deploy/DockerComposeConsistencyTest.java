package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vigil.scheduler.target.Target;
import dev.vigil.scheduler.target.TargetsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the root {@code docker-compose.yml} (and the image and targets file it uses) consistent with
 * the services' settings, read from the source tree: {@code <service>/src/main/resources/<service>.yml}
 * and the shared {@code event-messaging/src/main/resources/vigil-common.yml}. Nothing here runs
 * Docker; a renamed setting, a moved port or a missing health dependency fails this test instead of
 * the stack.
 */
class DockerComposeConsistencyTest {

    private static final List<String> VIGIL_SERVICES =
            List.of("scheduler-service", "dump-worker", "storage-service", "verifier-service", "notifier-service");

    /** Read by the JVM or the AWS SDK itself, not through a placeholder in the settings files. */
    private static final Set<String> READ_OUTSIDE_SETTINGS =
            Set.of("JAVA_TOOL_OPTIONS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION");

    /** {@code ${NAME}} or {@code ${NAME:default}}; also finds the inner one of {@code ${A:${B}}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}\\s]+)[:}]");
    private static final Pattern PLACEHOLDER_WITH_DEFAULT = Pattern.compile("\\$\\{([^:}\\s]+):([^}]*)}");
    private static final Pattern PORT_SETTING = Pattern.compile("\\$\\{([A-Z0-9_]+):(\\d+)}");
    private static final Pattern HEALTH_URL = Pattern.compile("https?://(?:localhost|127\\.0\\.0\\.1):(\\d+)/actuator/health");

    private static Path root;
    private static Map<String, Object> compose;

    @BeforeAll
    static void readCompose() {
        root = SettingsFiles.repositoryRoot();
        Path file = root.resolve("docker-compose.yml");
        assertThat(file).as("docker-compose.yml at the repository root %s", root).isRegularFile();
        compose = asMap(SettingsFiles.document(file), "the top level of docker-compose.yml");
    }

    static Stream<String> vigilServices() {
        return VIGIL_SERVICES.stream();
    }

    // ------------------------------------------------------------------ services, health, dependencies

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyServiceIsInComposeWithAnActuatorHealthcheck(String name) {
        assertThat(services()).as("docker-compose.yml has no service '%s'; all five Vigil services belong in the stack", name)
                .containsKey(name);
        assertThat(healthcheckCommand(name))
                .as("%s: its healthcheck should probe the actuator (GET http://localhost:<server.port>/actuator/health/readiness)", name)
                .contains("/actuator/health");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyServiceWaitsForAHealthyKafka(String name) {
        assertThat(dependencyConditions(service(name)))
                .as("%s: depends_on should hold 'kafka: {condition: service_healthy}', so it starts only once the broker answers", name)
                .containsEntry("kafka", "service_healthy");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyServiceWaitsForTheServicesItsSettingsPointAt(String name) {
        Map<String, String> dependencies = dependencyConditions(service(name));
        List<String> missing = new ArrayList<>();
        environment(service(name)).forEach((variable, value) -> {
            for (String other : services().keySet()) {
                if (!other.equals(name) && mentionsHost(value, other) && !"service_healthy".equals(dependencies.get(other))) {
                    missing.add(variable + "=" + value + " points at '" + other + "'");
                }
            }
        });
        assertThat(missing)
                .as("%s: its settings point at these compose services, so depends_on should wait for each with condition: service_healthy",
                        name)
                .isEmpty();
    }

    @Test
    void everyServiceWaitedForAsHealthyHasAHealthcheck() {
        List<String> problems = new ArrayList<>();
        services().forEach((name, definition) -> dependencyConditions(asMap(definition, "service " + name)).forEach((dependency, condition) -> {
            if (!"service_healthy".equals(condition)) {
                return;
            }
            if (!services().containsKey(dependency)) {
                problems.add(name + " depends on '" + dependency + "', which is not a service in docker-compose.yml");
            } else if (healthcheckTest(dependency).isBlank()) {
                problems.add(name + " waits for '" + dependency + "' to be healthy, but '" + dependency + "' declares no healthcheck");
            }
        }));
        assertThat(problems).as("every service named with condition: service_healthy needs a healthcheck, or compose never starts its dependants")
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void theHealthcheckProbesThePortTheServiceListensOn(String name) {
        String portSetting = setting(name, "server.port");
        Matcher setting = PORT_SETTING.matcher(portSetting.trim());
        assertThat(setting.matches())
                .as("%s: server.port in %s should read ${VIGIL_<SERVICE>_PORT:<default>}, found: %s", name, settingsPath(name), portSetting)
                .isTrue();
        String listens = environment(service(name)).getOrDefault(setting.group(1), setting.group(2));

        String probe = healthcheckCommand(name);
        Matcher url = HEALTH_URL.matcher(probe);
        assertThat(url.find()).as("%s: the healthcheck should call http://localhost:<port>/actuator/health..., found: %s", name, probe)
                .isTrue();
        assertThat(url.group(1))
                .as("%s: the healthcheck probes port %s, but the service listens on %s (server.port: %s%s)", name, url.group(1), listens,
                        portSetting, environment(service(name)).containsKey(setting.group(1)) ? ", overridden in compose" : "")
                .isEqualTo(listens);
    }

    @Test
    void theSchedulerIsPublishedOnThePortItListensOn() {
        String listens = effective(setting("scheduler-service", "server.port"), environment(service("scheduler-service")));
        List<String> containerPorts = asList(service("scheduler-service").get("ports")).stream()
                .map(DockerComposeConsistencyTest::containerPort)
                .toList();
        assertThat(containerPorts).as("scheduler-service: ports should publish the port it listens on (%s), e.g. \"8080:%s\"", listens, listens)
                .contains(listens);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyServiceIsBuiltFromTheSharedDockerfileForItself(String name) {
        Map<String, Object> build = asMap(service(name).get("build"), name + ": build");
        assertThat(String.valueOf(build.get("dockerfile"))).as("%s: build.dockerfile", name).isEqualTo("deploy/Dockerfile");
        assertThat(root.resolve(String.valueOf(build.get("context"))).normalize())
                .as("%s: build.context should be the repository root, where <service>/target/*-exec.jar lies", name)
                .isEqualTo(root);
        assertThat(asMap(build.get("args"), name + ": build.args"))
                .as("%s: build.args.SERVICE names the jar the image copies, <SERVICE>/target/<SERVICE>-*-exec.jar", name)
                .containsEntry("SERVICE", name);
        assertThat(root.resolve(name).resolve("pom.xml")).as("%s: the module the image is built from", name).isRegularFile();
        assertThat(root.resolve("deploy/Dockerfile")).as("the shared Dockerfile").isRegularFile();
    }

    @Test
    void theImageHasThePostgresClientOfTheComposePostgres() throws IOException {
        String image = String.valueOf(service("postgres").get("image"));
        Matcher server = Pattern.compile("^postgres:(\\d+)").matcher(image);
        assertThat(server.find()).as("the postgres service should pin a major version, e.g. postgres:16; found %s", image).isTrue();
        String dockerfile = Files.readString(root.resolve("deploy/Dockerfile"));
        Set<String> clients = new TreeSet<>();
        Matcher client = Pattern.compile("postgresql-client-(\\d+)").matcher(dockerfile);
        while (client.find()) {
            clients.add(client.group(1));
        }
        assertThat(clients)
                .as("deploy/Dockerfile should install postgresql-client-%s: the worker dumps the compose PostgreSQL (%s) with the oldest "
                        + "pg_dump at least as new, and the verifier restores what it wrote into that same server", server.group(1), image)
                .contains(server.group(1));
    }

    // ------------------------------------------------------------------ settings

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyVariableComposeSetsIsReadByTheService(String name) {
        Set<String> read = variablesRead(name);
        Set<String> exempt = new HashSet<>(READ_OUTSIDE_SETTINGS);
        if (name.equals("dump-worker")) {
            // Target passwords are resolved where the dump runs, by the name the targets file gives.
            exempt.addAll(passwordVariablesOfTargets());
        }
        List<String> unread = environment(service(name)).keySet().stream()
                .filter(variable -> !exempt.contains(variable) && !read.contains(variable))
                .sorted()
                .toList();
        assertThat(unread)
                .as("%s: docker-compose.yml sets these variables, but neither %s nor %s reads them as ${NAME} or ${NAME:default}. "
                        + "Was a setting renamed? Variables it does read: %s", name, settingsPath(name), commonSettingsPath(), new TreeSet<>(read))
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyServiceReachesKafkaAtItsAdvertisedListener(String name) {
        String advertised = environment(service("kafka")).getOrDefault("KAFKA_ADVERTISED_LISTENERS", "");
        Set<String> endpoints = Arrays.stream(advertised.split(","))
                .map(String::trim)
                .filter(listener -> listener.contains("://"))
                .map(listener -> listener.substring(listener.indexOf("://") + 3))
                .collect(Collectors.toSet());
        String bootstrap = environment(service(name)).get("VIGIL_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(bootstrap)
                .as("%s: set VIGIL_KAFKA_BOOTSTRAP_SERVERS; its default, localhost:9092, is the service's own container", name)
                .isNotBlank();
        assertThat(endpoints)
                .as("%s: VIGIL_KAFKA_BOOTSTRAP_SERVERS=%s should name kafka's advertised listener (%s)", name, bootstrap, advertised)
                .containsAll(Arrays.stream(bootstrap.split(",")).map(String::trim).toList());
    }

    @Test
    void kafkaRunsInKRaftModeWithoutZookeeper() {
        Map<String, String> kafka = environment(service("kafka"));
        List<String> roles = Arrays.stream(kafka.getOrDefault("KAFKA_PROCESS_ROLES", "").split(",")).map(String::trim).toList();
        assertThat(roles).as("kafka: KAFKA_PROCESS_ROLES should make the single node broker and controller (KRaft), found %s", roles)
                .contains("broker", "controller");
        assertThat(kafka).as("kafka: KRaft needs no ZooKeeper connection").doesNotContainKey("KAFKA_ZOOKEEPER_CONNECT");
        List<String> zookeepers = services().entrySet().stream()
                .filter(e -> (e.getKey() + " " + asMap(e.getValue(), e.getKey()).get("image")).toLowerCase(Locale.ROOT).contains("zookeeper"))
                .map(Map.Entry::getKey)
                .toList();
        assertThat(zookeepers).as("docker-compose.yml should run no ZooKeeper: Kafka runs in KRaft mode").isEmpty();
    }

    @Test
    void theDumpWorkerAndTheStorageServiceShareTheStagingDirectory() {
        String stagingDir = effective(setting("dump-worker", "vigil.staging.dir"), environment(service("dump-worker")));
        assertThat(effective(setting("storage-service", "vigil.staging.dir"), environment(service("storage-service"))))
                .as("storage-service: vigil.staging.dir should be the dump worker's (%s): storage reads only what that staging area holds",
                        stagingDir)
                .isEqualTo(stagingDir);
        Optional<Mount> worker = mounts("dump-worker").stream().filter(m -> m.target().equals(stagingDir)).findFirst();
        assertThat(worker).as("dump-worker: its staging directory %s should be a mounted volume the storage service can read", stagingDir)
                .isPresent();
        Optional<Mount> storage = mounts("storage-service").stream().filter(m -> m.target().equals(stagingDir)).findFirst();
        assertThat(storage)
                .as("storage-service: should mount the staging volume at the same path as the dump worker (%s): the artifact-created "
                        + "event carries the artifact's absolute file: URI", stagingDir)
                .isPresent();
        assertThat(storage.get().source()).as("storage-service and dump-worker should mount the same staging volume at %s", stagingDir)
                .isEqualTo(worker.get().source());
        if (!worker.get().bind()) {
            assertThat(asMap(compose.get("volumes"), "volumes")).as("the named volume '%s' should be declared under volumes:", worker.get().source())
                    .containsKey(worker.get().source());
        }
    }

    // ------------------------------------------------------------------ targets

    @Test
    void theSchedulerReadsItsTargetsFromAMountedFile() {
        Path file = mountedTargetsFile();
        assertThat(file).as("the targets file the scheduler mounts should exist in the repository").isRegularFile();
        assertThat(file.startsWith(root)).as("the mounted targets file %s should be part of the repository", file).isTrue();
    }

    @Test
    void theMountedTargetsFileHoldsNoPassword() {
        Path file = mountedTargetsFile();
        List<String> found = new ArrayList<>();
        collectKeys(SettingsFiles.document(file), "", "password", found);
        assertThat(found)
                .as("%s must never hold a password (found a password: key at %s); name one with passwordEnv or passwordFile",
                        root.relativize(file), found)
                .isEmpty();
    }

    @Test
    void theMountedTargetsFileIsOneTheSchedulerAccepts() {
        Path file = mountedTargetsFile();
        // The scheduler's own reader: a field it does not accept, or a bad value, fails here with its message naming target and field.
        List<Target> targets = schedulerTargets();
        assertThat(targets).as("%s should list at least one target", root.relativize(file)).isNotEmpty();
    }

    @Test
    void everyPasswordVariableTheTargetsNameIsSetOnTheDumpWorker() {
        Map<String, String> worker = environment(service("dump-worker"));
        List<String> unset = passwordVariablesOfTargets().stream()
                .filter(variable -> worker.getOrDefault(variable, "").isBlank())
                .toList();
        assertThat(unset)
                .as("the targets file names these passwordEnv variables; the dump worker, which connects, needs them in its environment")
                .isEmpty();
    }

    // ------------------------------------------------------------------ compose helpers

    private static Map<String, Object> services() {
        return asMap(compose.get("services"), "services in docker-compose.yml");
    }

    private static Map<String, Object> service(String name) {
        assertThat(services()).as("docker-compose.yml should define the service '%s'", name).containsKey(name);
        return asMap(services().get(name), "service " + name);
    }

    /** The environment compose sets, from either the map or the list ({@code NAME=value}) form. */
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> result = new LinkedHashMap<>();
        Object environment = service.get("environment");
        if (environment instanceof Map<?, ?> map) {
            map.forEach((key, value) -> result.put(String.valueOf(key), value == null ? "" : String.valueOf(value)));
        } else if (environment instanceof List<?> list) {
            for (Object item : list) {
                String entry = String.valueOf(item);
                int equals = entry.indexOf('=');
                result.put(equals < 0 ? entry : entry.substring(0, equals), equals < 0 ? "" : entry.substring(equals + 1));
            }
        } else if (environment != null) {
            fail("environment should be a map or a list, found: " + environment);
        }
        return result;
    }

    /** depends_on as service → condition; the list form means service_started. */
    private static Map<String, String> dependencyConditions(Map<String, Object> service) {
        Map<String, String> result = new LinkedHashMap<>();
        Object dependsOn = service.get("depends_on");
        if (dependsOn instanceof List<?> list) {
            list.forEach(dependency -> result.put(String.valueOf(dependency), "service_started"));
        } else if (dependsOn instanceof Map<?, ?> map) {
            map.forEach((dependency, options) -> result.put(String.valueOf(dependency),
                    options instanceof Map<?, ?> o && o.get("condition") != null ? String.valueOf(o.get("condition")) : "service_started"));
        }
        return result;
    }

    /** The healthcheck's test as one line; blank when there is none or it is disabled. */
    private static String healthcheckTest(String name) {
        Map<String, Object> healthcheck = asMap(service(name).get("healthcheck"), name + ": healthcheck");
        if (Boolean.TRUE.equals(healthcheck.get("disable"))) {
            return "";
        }
        Object test = healthcheck.get("test");
        if (test instanceof List<?> list) {
            if (!list.isEmpty() && "NONE".equals(String.valueOf(list.get(0)))) {
                return "";
            }
            return list.stream().map(String::valueOf).collect(Collectors.joining(" "));
        }
        return test == null ? "" : String.valueOf(test);
    }

    private static String healthcheckCommand(String name) {
        String test = healthcheckTest(name);
        assertThat(test).as("%s: should declare a healthcheck (healthcheck.test)", name).isNotBlank();
        return test;
    }

    /** A volume mount; bind mounts have a host path as source, named volumes a volume name. */
    record Mount(String source, String target, boolean bind) {
    }

    private static List<Mount> mounts(String name) {
        List<Mount> result = new ArrayList<>();
        for (Object volume : asList(service(name).get("volumes"))) {
            if (volume instanceof Map<?, ?> map) {
                String source = map.get("source") == null ? "" : String.valueOf(map.get("source"));
                result.add(new Mount(source, String.valueOf(map.get("target")), "bind".equals(String.valueOf(map.get("type")))));
            } else {
                String[] parts = String.valueOf(volume).split(":");
                if (parts.length == 1) {
                    result.add(new Mount("", parts[0], false));
                } else {
                    String source = parts[0];
                    result.add(new Mount(source, parts[1], source.startsWith(".") || source.startsWith("/") || source.startsWith("~")));
                }
            }
        }
        return result;
    }

    private static String containerPort(Object mapping) {
        if (mapping instanceof Map<?, ?> map) {
            return String.valueOf(map.get("target"));
        }
        String text = String.valueOf(mapping);
        int slash = text.indexOf('/');
        String withoutProtocol = slash < 0 ? text : text.substring(0, slash);
        return withoutProtocol.substring(withoutProtocol.lastIndexOf(':') + 1);
    }

    /** Whether a setting's value names a host: the whole value, or between separators as in kafka:9092 or //s3:80. */
    private static boolean mentionsHost(String value, String host) {
        return Pattern.compile("(?<![\\w.-])" + Pattern.quote(host) + "(?![\\w.-])").matcher(value).find();
    }

    // ------------------------------------------------------------------ targets helpers

    private static Path mountedTargetsFile() {
        String targetsFile = environment(service("scheduler-service")).get("VIGIL_TARGETS_FILE");
        assertThat(targetsFile).as("scheduler-service: should set VIGIL_TARGETS_FILE to the mounted targets file").isNotBlank();
        Optional<Mount> mount = mounts("scheduler-service").stream().filter(m -> m.target().equals(targetsFile)).findFirst();
        assertThat(mount).as("scheduler-service: VIGIL_TARGETS_FILE=%s should be the target of one of its volumes (%s)", targetsFile,
                mounts("scheduler-service")).isPresent();
        assertThat(mount.get().bind()).as("scheduler-service: %s should be bind-mounted from a file in the repository", targetsFile).isTrue();
        Path file = root.resolve(mount.get().source()).normalize();
        assertThat(file).as("scheduler-service mounts %s at %s; it should exist", mount.get().source(), targetsFile).isRegularFile();
        return file;
    }

    /** The mounted targets file as the scheduler reads it: with its own reader and defaults, so the fields it accepts are its own. */
    private static List<Target> schedulerTargets() {
        return TargetsFile.read(mountedTargetsFile(), setting("scheduler-service", "vigil.scheduler.default-schedule"),
                ZoneId.of(setting("scheduler-service", "vigil.scheduler.default-time-zone")));
    }

    private static Set<String> passwordVariablesOfTargets() {
        return schedulerTargets().stream()
                .map(target -> target.connection().passwordEnv())
                .filter(variable -> variable != null)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static void collectKeys(Object node, String path, String key, List<String> found) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                String here = path.isEmpty() ? String.valueOf(k) : path + "." + k;
                if (key.equals(String.valueOf(k))) {
                    found.add(here);
                }
                collectKeys(v, here, key, found);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectKeys(list.get(i), path + "[" + i + "]", key, found);
            }
        }
    }

    // ------------------------------------------------------------------ settings helpers

    private static Path settingsPath(String service) {
        return SettingsFiles.serviceSettings(root, service);
    }

    private static Path commonSettingsPath() {
        return SettingsFiles.commonSettings(root);
    }

    private static List<Object> settingsDocuments(Path file) {
        assertThat(file).as("settings file %s should exist: compose is checked against it", root.relativize(file)).isRegularFile();
        return SettingsFiles.documents(file);
    }

    /** Every ${NAME} / ${NAME:default} in the values (and keys) of the service's settings and the shared ones; comments do not count. */
    private static Set<String> variablesRead(String service) {
        Set<String> read = new HashSet<>();
        for (Path file : List.of(settingsPath(service), commonSettingsPath())) {
            settingsDocuments(file).forEach(document -> collectPlaceholders(document, read));
        }
        return read;
    }

    private static void collectPlaceholders(Object node, Set<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                collectPlaceholders(key, into);
                collectPlaceholders(value, into);
            });
        } else if (node instanceof Collection<?> collection) {
            collection.forEach(item -> collectPlaceholders(item, into));
        } else if (node instanceof String text) {
            Matcher matcher = PLACEHOLDER.matcher(text);
            while (matcher.find()) {
                into.add(matcher.group(1));
            }
        }
    }

    /** A property of the service's own settings file (nested or dotted keys), from a document not bound to a profile. */
    /** A setting as the service's own settings file gives it, else as the shared vigil-common.yml does. */
    private static String setting(String service, String property) {
        for (Path file : List.of(settingsPath(service), commonSettingsPath())) {
            for (Object document : settingsDocuments(file)) {
                if (lookup(document, "spring.config.activate") != null) {
                    continue;
                }
                Object value = lookup(document, property);
                if (value != null) {
                    return String.valueOf(value);
                }
            }
        }
        return fail("%s: neither %s nor %s sets %s", service, settingsPath(service), commonSettingsPath(), property);
    }

    private static Object lookup(Object node, String property) {
        if (!(node instanceof Map<?, ?> map)) {
            return null;
        }
        if (map.containsKey(property)) {
            return map.get(property);
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (property.startsWith(key + ".")) {
                Object found = lookup(entry.getValue(), property.substring(key.length() + 1));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** What a ${NAME:default} setting becomes in the container: NAME from compose, else the default. */
    private static String effective(String value, Map<String, String> environment) {
        Matcher matcher = PLACEHOLDER_WITH_DEFAULT.matcher(value.trim());
        if (matcher.matches()) {
            return environment.getOrDefault(matcher.group(1), matcher.group(2));
        }
        return value.trim();
    }

    // ------------------------------------------------------------------ YAML

    private static Map<String, Object> asMap(Object node, String what) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map<?, ?> map)) {
            return fail("%s should be a mapping, found: %s", what, node);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((key, value) -> result.put(String.valueOf(key), value));
        return result;
    }

    private static List<Object> asList(Object node) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> list)) {
            return fail("expected a list, found: %s", node);
        }
        return new ArrayList<>(list);
    }
}
