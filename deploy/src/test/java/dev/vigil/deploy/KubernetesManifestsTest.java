package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vigil.contracts.BrokerRights;
import dev.vigil.contracts.Topics;
import dev.vigil.scheduler.target.Target;
import dev.vigil.scheduler.target.TargetsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the Kubernetes manifests ({@code deploy/k8s/base} and the example overlay
 * {@code deploy/k8s/overlays/example}) consistent with the services' settings, read from the source tree
 * as {@link DockerComposeConsistencyTest} reads them, with the image ({@code deploy/Dockerfile}) and with
 * the broker's rights ({@link BrokerRights}). The manifests are plain YAML, so this reads them as they
 * are; no cluster, kubectl or kustomize is needed. What the overlay changes is read the way kustomize
 * applies it for the parts this test looks at: its resources are added and its Deployment patches add
 * environment variables, mounts and volumes. Its {@code images} and {@code namespace} are not applied.
 */
class KubernetesManifestsTest {

    private static final List<String> VIGIL_SERVICES =
            List.of("scheduler-service", "dump-worker", "storage-service", "verifier-service", "notifier-service");

    /** The services with an HTTP API besides the actuator: each gets a Service. */
    private static final Set<String> WITH_API = Set.of("scheduler-service", "storage-service", "notifier-service");

    /** Read by the JVM or the AWS SDK itself, not through a placeholder in the settings files. */
    private static final Set<String> READ_OUTSIDE_SETTINGS =
            Set.of("JAVA_TOOL_OPTIONS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION");

    /**
     * Required on Kubernetes whatever their defaults: workers run on several nodes, which share no
     * staging directory with the storage service, so both stage in a bucket.
     */
    private static final Map<String, Set<String>> REQUIRED_ON_KUBERNETES = Map.of(
            "dump-worker", Set.of("VIGIL_STAGING_BUCKET"),
            "storage-service", Set.of("VIGIL_STAGING_BUCKET"));

    /** The health paths web-security opens without a token (vigil.security.open-health). */
    private static final Set<String> OPEN_HEALTH_PATHS = Set.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness");

    /** The PostgreSQL majors whose servers the image must be able to dump and restore. */
    private static final List<Integer> PG_MAJORS = IntStream.rangeClosed(13, 18).boxed().toList();

    /** Example Secret keys that hold no secret, so need no placeholder. */
    private static final Set<String> NOT_SECRET_KEYS = Set.of("username", "sasl");

    /** {@code ${NAME}} or {@code ${NAME:default}} for upper-case (environment) names; the default runs to the first '}'. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");
    private static final Pattern PORT_SETTING = Pattern.compile("\\$\\{([A-Z0-9_]+):(\\d+)}");
    private static final Pattern SECRET_LIKE = Pattern.compile(".*(PASSWORD|SECRET|_KEYS|ACCESS_KEY|WEBHOOK_URL|TOKEN)$");

    private static Path root;
    private static Path base;
    private static Path overlay;
    /** Every document of the base, then of the overlay's resources, the overlay's Deployment patches merged in. */
    private static List<Manifest> manifests;

    record Manifest(Path file, Map<String, Object> document) {

        String kind() {
            return String.valueOf(document.get("kind"));
        }

        String name() {
            return String.valueOf(map(document.get("metadata")).get("name"));
        }

        boolean inBase() {
            return file.startsWith(base);
        }
    }

    @BeforeAll
    static void readManifests() {
        root = SettingsFiles.repositoryRoot();
        base = root.resolve("deploy/k8s/base");
        overlay = root.resolve("deploy/k8s/overlays/example");
        assertThat(base.resolve("kustomization.yaml")).as("the Kustomize base").isRegularFile();
        assertThat(overlay.resolve("kustomization.yaml")).as("the example overlay").isRegularFile();
        manifests = new ArrayList<>();
        for (String resource : resources(base)) {
            manifests.addAll(read(base.resolve(resource)));
        }
        for (String resource : resources(overlay)) {
            Path file = overlay.resolve(resource).normalize();
            if (!Files.isDirectory(file)) {
                manifests.addAll(read(file));
            }
        }
        for (String patch : patches(overlay)) {
            for (Manifest manifest : read(overlay.resolve(patch))) {
                assertThat(manifest.kind()).as("%s: only Deployment patches are read by this test", patch).isEqualTo("Deployment");
                merge(deployment(manifest.name()), manifest.document(), patch);
            }
        }
    }

    static Stream<String> vigilServices() {
        return VIGIL_SERVICES.stream();
    }

    // ------------------------------------------------------------------ deployments and images

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyServiceRunsAsADeploymentOfItsOwnImage(String name) {
        List<Object> containers = list(podSpec(name).get("containers"));
        assertThat(containers).as("%s: one container, the service", name).hasSize(1);
        assertThat(String.valueOf(container(name).get("image")))
                .as("%s: the image deploy/Dockerfile builds with --build-arg SERVICE=%s (tagged vigil/%s; overlays set registry and tag)",
                        name, name, name)
                .matches(Pattern.quote("vigil/" + name) + "(:[\\w.-]+)?");
    }

    @Test
    void theSchedulerRunsSeveralReplicas() {
        Object replicas = spec("scheduler-service").get("replicas");
        assertThat(replicas instanceof Integer count && count >= 2)
                .as("scheduler-service: replicas should be at least 2 (each schedule fires once whatever the count), found %s", replicas)
                .isTrue();
    }

    // ------------------------------------------------------------------ settings

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyVariableWithoutASafeDefaultIsSet(String name) {
        Map<String, Object> environment = environment(name);
        Set<String> required = new TreeSet<>(REQUIRED_ON_KUBERNETES.getOrDefault(name, Set.of()));
        defaults(name).forEach((variable, fallback) -> {
            if (unsafeInAPod(variable, fallback)) {
                required.add(variable);
            }
        });
        assertThat(required.stream().filter(variable -> !environment.containsKey(variable)).toList())
                .as("%s: these variables have no default that works in a pod (none, one pointing at localhost, an empty password, a "
                        + "relative file), so its Deployment should set them", name)
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyVariableSetIsReadByTheService(String name) {
        Set<String> read = new TreeSet<>(defaults(name).keySet());
        read.addAll(READ_OUTSIDE_SETTINGS);
        read.addAll(mountedNotifierConfigVariables(name));
        if (name.equals("dump-worker")) {
            exampleTargets().forEach(target -> Optional.ofNullable(target.connection().passwordEnv()).ifPresent(read::add));
        }
        assertThat(environment(name).keySet().stream().filter(variable -> !read.contains(variable)).sorted().toList())
                .as("%s: its Deployment sets these, but neither %s, vigil-common.yml nor a file it mounts reads them. A typo or a renamed "
                        + "setting? It reads: %s", name, SettingsFiles.serviceSettings(root, name), read)
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void noSecretIsWrittenIntoTheManifests(String name) {
        List<String> inline = new ArrayList<>();
        environment(name).forEach((variable, entry) -> {
            if (SECRET_LIKE.matcher(variable).matches() && map(entry).containsKey("value")) {
                inline.add(variable);
            }
        });
        assertThat(inline).as("%s: these hold secrets and should come from a Secret (valueFrom.secretKeyRef), never a value", name)
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyServiceSignsInToTheBrokerWithItsOwnSecret(String name) {
        Map<String, Object> password = secretKeyRef(name, "VIGIL_KAFKA_PASSWORD");
        assertThat(String.valueOf(password.get("name")))
                .as("%s: VIGIL_KAFKA_PASSWORD should come from a Secret of its own principal's (vigil-kafka-%s)", name, name)
                .isEqualTo("vigil-kafka-" + name);
        assertThat(environment(name)).as("%s: signs in as its own principal, %s (VIGIL_KAFKA_USERNAME's default)", name, name)
                .doesNotContainKey("VIGIL_KAFKA_USERNAME");
    }

    // ------------------------------------------------------------------ secrets and config maps

    @Test
    void everySecretKeyTheManifestsNameIsDeclaredInTheExample() {
        Map<String, Set<String>> declared = exampleSecrets();
        List<String> missing = new ArrayList<>();
        for (SecretUse use : secretUses()) {
            Set<String> keys = declared.get(use.secret());
            if (keys == null) {
                missing.add(use.where() + ": Secret " + use.secret());
            } else if (use.key() != null && !keys.contains(use.key())) {
                missing.add(use.where() + ": key " + use.key() + " of Secret " + use.secret() + " (it has " + keys + ")");
            }
        }
        assertThat(missing).as("every Secret and key the manifests refer to should be declared in %s, so users know to create it",
                overlay.relativize(overlay.resolve("secrets.example.yaml"))).isEmpty();
    }

    @Test
    void theExampleSecretsHoldPlaceholdersOnly() {
        List<String> problems = new ArrayList<>();
        for (Manifest secret : manifests.stream().filter(m -> m.kind().equals("Secret")).toList()) {
            if (secret.inBase() || !secret.file().getFileName().toString().contains("example")) {
                problems.add(root.relativize(secret.file()) + ": Secret " + secret.name() + " outside the overlay's *example* file");
            }
            if (secret.document().containsKey("data")) {
                problems.add(secret.name() + ": use stringData, so a reader sees the placeholders");
            }
            map(secret.document().get("stringData")).forEach((key, value) -> {
                if (!NOT_SECRET_KEYS.contains(key) && !String.valueOf(value).contains("CHANGE-ME")) {
                    problems.add(secret.name() + "." + key + " is not a CHANGE-ME placeholder");
                }
            });
        }
        assertThat(problems).as("Secrets appear only as clearly named examples with placeholder values").isEmpty();
    }

    @Test
    void everyConfigMapTheManifestsMountIsDeclared() {
        Set<String> declared = manifests.stream().filter(m -> m.kind().equals("ConfigMap")).map(Manifest::name).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        for (String name : VIGIL_SERVICES) {
            for (Object volume : list(podSpec(name).get("volumes"))) {
                Map<String, Object> configMap = map(map(volume).get("configMap"));
                if (!configMap.isEmpty() && !declared.contains(String.valueOf(configMap.get("name")))) {
                    missing.add(name + ": ConfigMap " + configMap.get("name"));
                }
            }
        }
        assertThat(missing).as("every ConfigMap a Deployment mounts should be declared in the base or the example overlay").isEmpty();
    }

    // ------------------------------------------------------------------ ports and probes

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void probesAskTheOpenHealthGroupsOnTheServicesPort(String name) {
        int port = port(name);
        Map<String, Object> container = container(name);
        assertThat(list(container.get("ports")).stream().map(p -> map(p).get("containerPort")).toList())
                .as("%s: containerPort should be the port it listens on, %s (server.port)", name, port)
                .contains(port);
        Map<String, String> expected = Map.of("readinessProbe", "/actuator/health/readiness", "livenessProbe", "/actuator/health/liveness");
        expected.forEach((probe, path) -> {
            Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
            assertThat(get.get("path")).as("%s: %s should ask %s", name, probe, path).isEqualTo(path);
            assertThat(resolvePort(name, get.get("port"))).as("%s: %s should ask port %s", name, probe, port).isEqualTo(port);
        });
        Map<String, Object> startup = map(map(container.get("startupProbe")).get("httpGet"));
        if (!startup.isEmpty()) {
            assertThat(OPEN_HEALTH_PATHS).as("%s: startupProbe's path should be a health path open without a token", name)
                    .contains(String.valueOf(startup.get("path")));
            assertThat(resolvePort(name, startup.get("port"))).as("%s: startupProbe's port", name).isEqualTo(port);
        }
        Object open = map(environment(name).get("VIGIL_SECURITY_OPEN_HEALTH")).get("value");
        assertThat(open == null || "true".equals(String.valueOf(open)))
                .as("%s: VIGIL_SECURITY_OPEN_HEALTH=%s would make the kubelet's probes (which send no token) fail", name, open)
                .isTrue();
    }

    @Test
    void theHealthGroupsTheProbesAskAreServedWithoutAToken() {
        Map<String, String> common = SettingsFiles.leaves(SettingsFiles.commonSettings(root));
        assertThat(common.get("management.endpoint.health.probes.enabled"))
                .as("vigil-common.yml: management.endpoint.health.probes.enabled should be true, so /actuator/health/liveness and "
                        + "/readiness exist outside Kubernetes too (the compose health checks ask them)")
                .isEqualTo("true");
        assertThat(effectiveDefault(common.get("vigil.security.open-health")))
                .as("vigil-common.yml: vigil.security.open-health should default to true: the kubelet's probes send no token")
                .isEqualTo("true");
    }

    @Test
    void everyServiceWithAnApiHasAServiceOnItsPort() {
        for (String name : WITH_API) {
            assertThat(servicesSelecting(name)).as("%s has an HTTP API: it should have a Service selecting its pods", name).isNotEmpty();
        }
        for (Manifest service : manifests.stream().filter(m -> m.kind().equals("Service")).toList()) {
            String name = VIGIL_SERVICES.stream().filter(s -> servicesSelecting(s).contains(service)).findFirst()
                    .orElseGet(() -> fail("Service %s selects no Vigil Deployment's pods", service.name()));
            for (Object entry : list(map(service.document().get("spec")).get("ports"))) {
                Object target = map(entry).getOrDefault("targetPort", map(entry).get("port"));
                assertThat(resolvePort(name, target)).as("Service %s: targetPort should be %s's port, %s", service.name(), name, port(name))
                        .isEqualTo(port(name));
            }
        }
    }

    @Test
    void theSchedulerReachesTheStorageServiceThroughItsService() {
        Manifest storage = servicesSelecting("storage-service").getFirst();
        Object port = map(list(map(storage.document().get("spec")).get("ports")).getFirst()).get("port");
        assertThat(value("scheduler-service", "VIGIL_STORAGE_URL"))
                .as("scheduler-service: VIGIL_STORAGE_URL should name the storage Service and its port")
                .isEqualTo("http://" + storage.name() + ":" + port);
    }

    // ------------------------------------------------------------------ pod security, resources, disruption

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void podsRunAsNonRootWithNothingToEscalate(String name) {
        Map<String, Object> pod = map(podSpec(name).get("securityContext"));
        Map<String, Object> container = map(container(name).get("securityContext"));
        assertThat(pod.get("runAsNonRoot")).as("%s: securityContext.runAsNonRoot", name).isEqualTo(true);
        assertThat(pod.get("runAsUser")).as("%s: runAsUser should be the image's user, 10001 (deploy/Dockerfile USER)", name).isEqualTo(10001);
        assertThat(map(pod.get("seccompProfile")).get("type")).as("%s: seccompProfile", name).isEqualTo("RuntimeDefault");
        assertThat(container.get("allowPrivilegeEscalation")).as("%s: allowPrivilegeEscalation", name).isEqualTo(false);
        assertThat(container.get("readOnlyRootFilesystem")).as("%s: readOnlyRootFilesystem", name).isEqualTo(true);
        assertThat(list(map(container.get("capabilities")).get("drop"))).as("%s: capabilities.drop", name).containsExactly("ALL");
        assertThat(podSpec(name).get("automountServiceAccountToken")).as("%s: no service in Vigil calls the Kubernetes API", name)
                .isEqualTo(false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyPathTheServiceWritesIsAWritableVolume(String name) {
        List<String> paths = new ArrayList<>(List.of("/tmp"));
        if (name.equals("dump-worker") || name.equals("storage-service")) {
            paths.add(effective(name, "VIGIL_STAGING_DIR"));
        }
        if (name.equals("verifier-service")) {
            paths.add(effective(name, "VIGIL_VERIFIER_WORK_DIR"));
        }
        Map<String, Map<String, Object>> volumes = new HashMap<>();
        list(podSpec(name).get("volumes")).forEach(v -> volumes.put(String.valueOf(map(v).get("name")), map(v)));
        for (String path : paths) {
            Optional<Map<String, Object>> mount = list(container(name).get("volumeMounts")).stream().map(KubernetesManifestsTest::map)
                    .filter(m -> path.equals(m.get("mountPath"))).findFirst();
            assertThat(mount).as("%s: with a read-only root file system, %s should be a mounted volume", name, path).isPresent();
            assertThat(mount.get().get("readOnly")).as("%s: %s must be writable", name, path).isNotEqualTo(true);
            Map<String, Object> volume = volumes.getOrDefault(String.valueOf(mount.get().get("name")), Map.of());
            assertThat(volume.containsKey("emptyDir") || volume.containsKey("persistentVolumeClaim") || volume.containsKey("ephemeral"))
                    .as("%s: the volume at %s should be an emptyDir or a claim, found %s", name, path, volume).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyDeploymentHasResourcesAndAJvmSizedToThem(String name) {
        Map<String, Object> resources = map(container(name).get("resources"));
        for (String bound : List.of("requests", "limits")) {
            assertThat(map(resources.get(bound))).as("%s: resources.%s", name, bound).containsKeys("cpu", "memory");
        }
        assertThat(value(name, "JAVA_TOOL_OPTIONS"))
                .as("%s: JAVA_TOOL_OPTIONS should size the heap to the memory limit (-XX:MaxRAMPercentage)", name)
                .contains("-XX:MaxRAMPercentage=");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vigilServices")
    void everyDeploymentHasADisruptionBudgetThatLetsANodeDrain(String name) {
        Map<String, Object> labels = map(map(map(spec(name).get("template")).get("metadata")).get("labels"));
        List<Manifest> budgets = manifests.stream().filter(m -> m.kind().equals("PodDisruptionBudget"))
                .filter(m -> selects(map(map(m.document().get("spec")).get("selector")), labels)).toList();
        assertThat(budgets).as("%s: one PodDisruptionBudget should select its pods", name).hasSize(1);
        Map<String, Object> budget = map(budgets.getFirst().document().get("spec"));
        int replicas = spec(name).get("replicas") instanceof Integer count ? count : 1;
        if (budget.get("minAvailable") instanceof Integer minimum) {
            assertThat(minimum).as("%s: minAvailable %s of %s replicas would block every drain", name, minimum, replicas).isLessThan(replicas);
        }
    }

    // ------------------------------------------------------------------ dump workers: autoscaling and PostgreSQL clients

    @Test
    void theDumpWorkersScaleOnTheLagOfTheirConsumerGroup() {
        Manifest scaled = only("ScaledObject");
        assertThat(String.valueOf(scaled.document().get("apiVersion"))).isEqualTo("keda.sh/v1alpha1");
        Map<String, Object> spec = map(scaled.document().get("spec"));
        Map<String, Object> target = map(spec.get("scaleTargetRef"));
        assertThat(target.get("name")).as("the ScaledObject should scale the dump-worker Deployment").isEqualTo("dump-worker");
        assertThat(String.valueOf(target.getOrDefault("kind", "Deployment"))).isEqualTo("Deployment");
        assertThat(spec("dump-worker")).as("dump-worker: KEDA owns its replica count; a replicas field would reset it at every apply")
                .doesNotContainKey("replicas");
        assertThat(spec).as("the ScaledObject's bounds").containsKeys("minReplicaCount", "maxReplicaCount");
        int partitions = topicPartitions();
        assertThat((Integer) spec.get("maxReplicaCount"))
                .as("maxReplicaCount: more workers than %s's %s partitions (deploy/kafka/topics.txt) would sit idle", Topics.BACKUP_REQUESTED,
                        partitions)
                .isBetween((Integer) spec.get("minReplicaCount"), partitions);

        List<Object> triggers = list(spec.get("triggers"));
        assertThat(triggers).hasSize(1);
        Map<String, Object> trigger = map(triggers.getFirst());
        assertThat(trigger.get("type")).isEqualTo("kafka");
        Map<String, Object> metadata = map(trigger.get("metadata"));
        String group = BrokerRights.services().stream()
                .filter(g -> g.principal().equals(BrokerRights.WORKER) && g.topic().equals(Topics.BACKUP_REQUESTED) && g.group() != null)
                .map(BrokerRights.Grant::group).findFirst().orElseThrow();
        assertThat(metadata.get("topic")).as("the trigger's topic: the one the workers read").isEqualTo(Topics.BACKUP_REQUESTED);
        assertThat(metadata.get("consumerGroup")).as("the trigger's consumer group: the workers' (BrokerRights)").isEqualTo(group);
        assertThat(SettingsFiles.leaves(SettingsFiles.serviceSettings(root, "dump-worker")))
                .as("dump-worker.yml reads %s in the group KEDA watches", Topics.BACKUP_REQUESTED)
                .containsEntry("spring.cloud.stream.bindings.dump-in-0.group", group)
                .containsEntry("spring.cloud.stream.bindings.dump-in-0.destination", Topics.BACKUP_REQUESTED);
        assertThat(metadata.get("bootstrapServers")).as("the trigger's brokers: the workers' VIGIL_KAFKA_BOOTSTRAP_SERVERS")
                .isEqualTo(value("dump-worker", "VIGIL_KAFKA_BOOTSTRAP_SERVERS"));
        assertThat(metadata).as("the trigger's lagThreshold").containsKey("lagThreshold");

        String authentication = String.valueOf(map(trigger.get("authenticationRef")).get("name"));
        Manifest auth = manifests.stream().filter(m -> m.kind().equals("TriggerAuthentication") && m.name().equals(authentication))
                .findFirst().orElseGet(() -> fail("the trigger's authenticationRef names no TriggerAuthentication %s", authentication));
        Map<String, Map<String, Object>> parameters = new HashMap<>();
        list(map(auth.document().get("spec")).get("secretTargetRef")).forEach(r -> parameters.put(String.valueOf(map(r).get("parameter")), map(r)));
        assertThat(parameters).as("KEDA signs in with SASL: mechanism, user name, password").containsKeys("sasl", "username", "password");
        Map<String, Object> workerPassword = secretKeyRef("dump-worker", "VIGIL_KAFKA_PASSWORD");
        assertThat(parameters.get("password")).as("KEDA's password: the dump worker's own Secret key")
                .containsEntry("name", workerPassword.get("name")).containsEntry("key", workerPassword.get("key"));
        assertThat(exampleValue(parameters.get("sasl"))).as("the SASL mechanism the broker accepts (vigil-common.yml: SCRAM-SHA-512)")
                .isEqualTo("scram_sha512");
        assertThat(SettingsFiles.leaves(SettingsFiles.commonSettings(root)))
                .containsEntry("spring.cloud.stream.kafka.binder.configuration.sasl.mechanism", "SCRAM-SHA-512");
        assertThat(exampleValue(parameters.get("username"))).as("KEDA signs in as the dump worker's principal").isEqualTo(BrokerRights.WORKER);
    }

    @Test
    void theImageCarriesPgDumpForEveryMajorTheWorkerIsAskedToDump() throws IOException {
        String dockerfile = Files.readString(root.resolve("deploy/Dockerfile"));
        Set<Integer> packages = new TreeSet<>();
        Matcher client = Pattern.compile("postgresql-client-(\\d+)").matcher(dockerfile);
        while (client.find()) {
            packages.add(Integer.parseInt(client.group(1)));
        }
        assertThat(packages).as("deploy/Dockerfile should install postgresql-client-13 ... -18").containsAll(PG_MAJORS);
        Matcher majors = Pattern.compile("ARG PG_MAJORS=\"([0-9 ]+)\"").matcher(dockerfile);
        assertThat(majors.find()).as("deploy/Dockerfile: ARG PG_MAJORS lists the majors whose clients it checks").isTrue();
        Set<Integer> checked = Stream.of(majors.group(1).trim().split("\\s+")).map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
        assertThat(checked)
                .as("ARG PG_MAJORS should be the majors installed").isEqualTo(packages);
        assertThat(dockerfile).as("from PostgreSQL's own apt repository, trusted by its signing key for that repository only")
                .contains("https://apt.postgresql.org/pub/repos/apt")
                .contains("signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc")
                .contains("PGDG_KEY_FINGERPRINT=");

        for (String name : List.of("dump-worker", "verifier-service")) {
            String prefix = name.equals("dump-worker") ? "vigil.worker" : "vigil.verifier";
            String binRoot = SettingsFiles.leaves(SettingsFiles.serviceSettings(root, name)).get(prefix + ".pg-bin-root");
            assertThat(binRoot).as("%s: %s.pg-bin-root", name, prefix).isEqualTo("/usr/lib/postgresql");
            assertThat(dockerfile).as("deploy/Dockerfile should check each client where %s looks for it, %s/<major>/bin", name, binRoot)
                    .contains(binRoot + "/${major}/bin/pg_dump").contains(binRoot + "/${major}/bin/pg_restore").contains(binRoot + "/${major}/bin/psql");
            String relaxed = prefix.replace('.', '_').toUpperCase(Locale.ROOT);
            assertThat(environment(name).keySet().stream().filter(v -> v.startsWith(relaxed + "_PGBIN") || v.startsWith(relaxed + "_PG_BIN")))
                    .as("%s: its Deployment should leave %s.pg-bin-root (and pg-bin-dir) where the image puts the clients", name, prefix)
                    .isEmpty();
        }
    }

    // ------------------------------------------------------------------ targets

    @Test
    void theExampleTargetsAreOnesTheSchedulerAcceptsWithPasswordsTheWorkersCanRead() {
        List<Target> targets = exampleTargets();
        assertThat(targets).as("the example overlay's targets file should list at least one target").isNotEmpty();
        Map<String, Set<String>> secrets = exampleSecrets();
        for (Target target : targets) {
            String env = target.connection().passwordEnv();
            if (env != null) {
                assertThat(environment("dump-worker")).as("target %s: passwordEnv %s should be set on the dump worker", target.id(), env)
                        .containsKey(env);
            }
            String file = target.connection().passwordFile();
            if (file != null) {
                Path path = Path.of(file);
                Map<String, Object> mount = list(container("dump-worker").get("volumeMounts")).stream().map(KubernetesManifestsTest::map)
                        .filter(m -> path.getParent().toString().equals(m.get("mountPath"))).findFirst()
                        .orElseGet(() -> fail("target %s: passwordFile %s should lie in a Secret mounted on the dump worker", target.id(), file));
                String secret = String.valueOf(map(volume("dump-worker", String.valueOf(mount.get("name"))).get("secret")).get("secretName"));
                assertThat(secrets.getOrDefault(secret, Set.of()))
                        .as("target %s: the Secret %s mounted at %s should have the key %s", target.id(), secret, path.getParent(), path.getFileName())
                        .contains(path.getFileName().toString());
            }
        }
    }

    // ------------------------------------------------------------------ kustomizations

    @Test
    void everyManifestBesideAKustomizationIsListedInIt() throws IOException {
        for (Path directory : List.of(base, overlay)) {
            Set<String> listed = new TreeSet<>(resources(directory));
            listed.addAll(patches(directory));
            Set<String> present;
            try (Stream<Path> files = Files.list(directory)) {
                present = files.map(f -> f.getFileName().toString())
                        .filter(f -> (f.endsWith(".yaml") || f.endsWith(".yml")) && !f.equals("kustomization.yaml"))
                        .collect(Collectors.toCollection(TreeSet::new));
            }
            Set<String> files = listed.stream().filter(f -> !f.contains("/")).collect(Collectors.toCollection(TreeSet::new));
            assertThat(files)
                    .as("%s/kustomization.yaml should list every manifest in its folder (an orphan is never applied) and only those",
                            root.relativize(directory))
                    .isEqualTo(present);
        }
        assertThat(resources(overlay)).as("the example overlay builds on the base").contains("../../base");
        assertThat(manifests.stream().filter(m -> m.inBase() && m.kind().equals("Secret")).toList())
                .as("the base declares no Secret: users create them").isEmpty();
    }

    // ------------------------------------------------------------------ reading the manifests

    private static List<String> resources(Path directory) {
        return list(map(SettingsFiles.document(directory.resolve("kustomization.yaml"))).get("resources")).stream().map(String::valueOf).toList();
    }

    private static List<String> patches(Path directory) {
        return list(map(SettingsFiles.document(directory.resolve("kustomization.yaml"))).get("patches")).stream()
                .map(p -> String.valueOf(map(p).get("path"))).toList();
    }

    private static List<Manifest> read(Path file) {
        assertThat(file).as("a file a kustomization lists").isRegularFile();
        return SettingsFiles.documents(file).stream().filter(Objects::nonNull).map(d -> new Manifest(file, map(d))).toList();
    }

    /** A strategic merge of what this test reads: env, volumeMounts (by name, per container) and volumes. */
    private static void merge(Map<String, Object> deployment, Map<String, Object> patch, String from) {
        Map<String, Object> patchPod = map(map(map(patch.get("spec")).get("template")).get("spec"));
        Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
        for (Object patchContainer : list(patchPod.get("containers"))) {
            Map<String, Object> target = list(pod.get("containers")).stream().map(KubernetesManifestsTest::map)
                    .filter(c -> Objects.equals(c.get("name"), map(patchContainer).get("name"))).findFirst()
                    .orElseGet(() -> fail("%s patches a container the base does not have: %s", from, map(patchContainer).get("name")));
            for (String field : List.of("env", "volumeMounts")) {
                mergeByName(target, field, list(map(patchContainer).get(field)));
            }
        }
        mergeByName(pod, "volumes", list(patchPod.get("volumes")));
    }

    @SuppressWarnings("unchecked")
    private static void mergeByName(Map<String, Object> into, String field, List<Object> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<Object> merged = new ArrayList<>(list(into.get(field)));
        for (Object entry : entries) {
            merged.removeIf(existing -> Objects.equals(map(existing).get("name"), map(entry).get("name")));
            merged.add(entry);
        }
        ((Map<String, Object>) into).put(field, merged);
    }

    private static Map<String, Object> deployment(String name) {
        return manifests.stream().filter(m -> m.kind().equals("Deployment") && m.name().equals(name)).map(Manifest::document).findFirst()
                .orElseGet(() -> fail("deploy/k8s/base should hold a Deployment named %s", name));
    }

    private static Map<String, Object> spec(String name) {
        return map(deployment(name).get("spec"));
    }

    private static Map<String, Object> podSpec(String name) {
        return map(map(spec(name).get("template")).get("spec"));
    }

    private static Map<String, Object> container(String name) {
        return list(podSpec(name).get("containers")).stream().map(KubernetesManifestsTest::map)
                .filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseGet(() -> fail("%s: its Deployment should have a container named %s", name, name));
    }

    private static Map<String, Object> volume(String name, String volume) {
        return list(podSpec(name).get("volumes")).stream().map(KubernetesManifestsTest::map)
                .filter(v -> volume.equals(v.get("name"))).findFirst()
                .orElseGet(() -> fail("%s: no volume named %s", name, volume));
    }

    /** The container's environment: name → its entry (value or valueFrom). */
    private static Map<String, Object> environment(String name) {
        Map<String, Object> result = new LinkedHashMap<>();
        list(container(name).get("env")).forEach(e -> result.put(String.valueOf(map(e).get("name")), e));
        assertThat(container(name)).as("%s: environment by env entries only (this test reads those)", name).doesNotContainKey("envFrom");
        return result;
    }

    private static String value(String name, String variable) {
        Object value = map(environment(name).get(variable)).get("value");
        assertThat(value).as("%s: its Deployment should set %s to a value", name, variable).isNotNull();
        return String.valueOf(value);
    }

    private static Map<String, Object> secretKeyRef(String name, String variable) {
        Map<String, Object> reference = map(map(map(environment(name).get(variable)).get("valueFrom")).get("secretKeyRef"));
        assertThat(reference).as("%s: %s should come from a Secret (valueFrom.secretKeyRef)", name, variable).isNotEmpty();
        return reference;
    }

    private static Manifest only(String kind) {
        List<Manifest> found = manifests.stream().filter(m -> m.kind().equals(kind)).toList();
        assertThat(found).as("one %s", kind).hasSize(1);
        return found.getFirst();
    }

    private static List<Manifest> servicesSelecting(String name) {
        Map<String, Object> labels = map(map(map(spec(name).get("template")).get("metadata")).get("labels"));
        return manifests.stream().filter(m -> m.kind().equals("Service"))
                .filter(m -> selects(Map.of("matchLabels", map(map(m.document().get("spec")).get("selector"))), labels)).toList();
    }

    private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        Map<String, Object> match = map(selector.get("matchLabels"));
        return !match.isEmpty() && match.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    private static int resolvePort(String name, Object port) {
        if (port instanceof Integer number) {
            return number;
        }
        return list(container(name).get("ports")).stream().map(KubernetesManifestsTest::map)
                .filter(p -> String.valueOf(port).equals(p.get("name"))).map(p -> (Integer) p.get("containerPort")).findFirst()
                .orElseGet(() -> fail("%s: no container port named %s", name, port));
    }

    record SecretUse(String where, String secret, String key) {
    }

    private static List<SecretUse> secretUses() {
        List<SecretUse> uses = new ArrayList<>();
        for (String name : VIGIL_SERVICES) {
            environment(name).forEach((variable, entry) -> {
                Map<String, Object> reference = map(map(map(entry).get("valueFrom")).get("secretKeyRef"));
                if (!reference.isEmpty()) {
                    uses.add(new SecretUse(name + " " + variable, String.valueOf(reference.get("name")), String.valueOf(reference.get("key"))));
                }
            });
            for (Object volume : list(podSpec(name).get("volumes"))) {
                Map<String, Object> secret = map(map(volume).get("secret"));
                if (!secret.isEmpty()) {
                    String secretName = String.valueOf(secret.get("secretName"));
                    uses.add(new SecretUse(name + " volume " + map(volume).get("name"), secretName, null));
                    list(secret.get("items")).forEach(item -> uses.add(
                            new SecretUse(name + " volume " + map(volume).get("name"), secretName, String.valueOf(map(item).get("key")))));
                }
            }
        }
        for (Manifest auth : manifests.stream().filter(m -> m.kind().equals("TriggerAuthentication")).toList()) {
            list(map(auth.document().get("spec")).get("secretTargetRef")).forEach(r -> uses.add(new SecretUse(
                    "TriggerAuthentication " + auth.name(), String.valueOf(map(r).get("name")), String.valueOf(map(r).get("key")))));
        }
        return uses;
    }

    /** The example overlay's Secrets: name → keys. */
    private static Map<String, Set<String>> exampleSecrets() {
        Map<String, Set<String>> secrets = new HashMap<>();
        manifests.stream().filter(m -> m.kind().equals("Secret")).forEach(m -> {
            Set<String> keys = new LinkedHashSet<>(map(m.document().get("stringData")).keySet());
            keys.addAll(map(m.document().get("data")).keySet());
            secrets.put(m.name(), keys);
        });
        return secrets;
    }

    private static String exampleValue(Map<String, Object> reference) {
        return manifests.stream().filter(m -> m.kind().equals("Secret") && m.name().equals(reference.get("name")))
                .map(m -> String.valueOf(map(m.document().get("stringData")).get(String.valueOf(reference.get("key"))))).findFirst()
                .orElseGet(() -> fail("no example Secret %s", reference.get("name")));
    }

    /** The text of a key of a ConfigMap mounted by the service at the directory of the file its variable names. */
    private static Optional<String> mountedFile(String name, String path) {
        Path file = Path.of(path);
        for (Object mount : list(container(name).get("volumeMounts"))) {
            if (String.valueOf(map(mount).get("mountPath")).equals(String.valueOf(file.getParent()))) {
                String configMap = String.valueOf(map(volume(name, String.valueOf(map(mount).get("name"))).get("configMap")).get("name"));
                return manifests.stream().filter(m -> m.kind().equals("ConfigMap") && m.name().equals(configMap))
                        .map(m -> map(m.document().get("data")).get(file.getFileName().toString())).filter(Objects::nonNull)
                        .map(String::valueOf).findFirst();
            }
        }
        return Optional.empty();
    }

    private static Set<String> mountedNotifierConfigVariables(String name) {
        if (!name.equals("notifier-service")) {
            return Set.of();
        }
        Set<String> variables = new TreeSet<>();
        mountedFile(name, effective(name, "VIGIL_NOTIFIER_CONFIG_FILE")).ifPresent(text -> {
            Matcher matcher = VARIABLE.matcher(text);
            while (matcher.find()) {
                variables.add(matcher.group(1));
            }
        });
        return variables;
    }

    @TempDir
    static Path scratch;

    private static List<Target> exampleTargets() {
        String file = effective("scheduler-service", "VIGIL_TARGETS_FILE");
        String text = mountedFile("scheduler-service", file)
                .orElseGet(() -> fail("scheduler-service: VIGIL_TARGETS_FILE=%s should be a key of a ConfigMap mounted at its folder", file));
        try {
            Path copy = Files.writeString(scratch.resolve("targets.yml"), text);
            Map<String, String> settings = SettingsFiles.leaves(SettingsFiles.serviceSettings(root, "scheduler-service"));
            return TargetsFile.read(copy, settings.get("vigil.scheduler.default-schedule"), ZoneId.of(settings.get("vigil.scheduler.default-time-zone")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The partitions deploy/kafka/topics.txt gives the backup requests' topic (setup.sh creates it so). */
    private static int topicPartitions() {
        try {
            Matcher partitions = Pattern.compile("(?m)^" + Pattern.quote(Topics.BACKUP_REQUESTED) + " (\\d+)")
                    .matcher(Files.readString(root.resolve("deploy/kafka/topics.txt")));
            assertThat(partitions.find()).as("deploy/kafka/topics.txt gives %s a partition count", Topics.BACKUP_REQUESTED).isTrue();
            return Integer.parseInt(partitions.group(1));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ reading the settings

    /** Stands for "no default" in {@link #defaults}: {@code ${NAME}} alone. */
    private static final String NO_DEFAULT = "<none>";

    /** Every environment variable the service's settings and vigil-common.yml read → its default, or {@link #NO_DEFAULT}. */
    private static Map<String, String> defaults(String service) {
        Map<String, String> defaults = new HashMap<>();
        for (Path file : List.of(SettingsFiles.serviceSettings(root, service), SettingsFiles.commonSettings(root))) {
            SettingsFiles.documents(file).forEach(document -> collect(document, defaults));
        }
        return defaults;
    }

    private static void collect(Object node, Map<String, String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                collect(key, into);
                collect(value, into);
            });
        } else if (node instanceof Collection<?> collection) {
            collection.forEach(item -> collect(item, into));
        } else if (node instanceof String text) {
            Matcher matcher = VARIABLE.matcher(text);
            while (matcher.find()) {
                into.merge(matcher.group(1), matcher.group(2) == null ? NO_DEFAULT : matcher.group(2), (first, later) -> first);
            }
        }
    }

    /** No default, a default naming localhost (the pod itself), an empty password, or a relative file path. */
    private static boolean unsafeInAPod(String variable, String fallback) {
        if (fallback == null || fallback.equals(NO_DEFAULT)) {
            return true;
        }
        return fallback.contains("localhost")
                || (fallback.isEmpty() && variable.endsWith("_PASSWORD"))
                || (variable.endsWith("_FILE") && !fallback.isEmpty() && !fallback.startsWith("/"));
    }

    /** What a variable is in the pod: the Deployment's value, else the settings' default. */
    private static String effective(String name, String variable) {
        Object value = map(environment(name).get(variable)).get("value");
        if (value != null) {
            return String.valueOf(value);
        }
        String fallback = defaults(name).get(variable);
        assertThat(fallback).as("%s: %s has no default; its Deployment should set it", name, variable).isNotNull().isNotEqualTo(NO_DEFAULT);
        return fallback;
    }

    private static String effectiveDefault(String setting) {
        Matcher matcher = VARIABLE.matcher(String.valueOf(setting).trim());
        return matcher.matches() && matcher.group(2) != null ? matcher.group(2) : String.valueOf(setting).trim();
    }

    private static int port(String name) {
        String setting = SettingsFiles.leaves(SettingsFiles.serviceSettings(root, name)).get("server.port");
        Matcher matcher = PORT_SETTING.matcher(String.valueOf(setting).trim());
        assertThat(matcher.matches()).as("%s: server.port should read ${VIGIL_<SERVICE>_PORT:<default>}, found %s", name, setting).isTrue();
        Object override = map(environment(name).get(matcher.group(1))).get("value");
        return Integer.parseInt(override != null ? String.valueOf(override) : matcher.group(2));
    }

    // ------------------------------------------------------------------ YAML

    private static Map<String, Object> map(Object node) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map<?, ?> map)) {
            return fail("expected a mapping, found: %s", node);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) map;
        return typed;
    }

    private static List<Object> list(Object node) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> list)) {
            return fail("expected a list, found: %s", node);
        }
        return new ArrayList<>(list);
    }
}
