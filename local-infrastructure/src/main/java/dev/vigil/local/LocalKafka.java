package dev.vigil.local;

import dev.vigil.contracts.BrokerRights;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) in this JVM, with
 * authentication and authorization on, as Vigil runs everywhere: clients sign in with
 * SASL/SCRAM-SHA-512, each service as its own principal with only the rights {@link BrokerRights}
 * grants; {@value #ADMIN} is the super user tests and the embedded default set things up with. The
 * credentials are made up at start-up (formatted into the storage, as {@code kafka-storage format
 * --add-scram} does) and never leave this object except through {@link #clientProperties}. Every
 * topic the services use is created at start-up; other topics are created on first use by the
 * administrator only.
 */
public final class LocalKafka implements AutoCloseable {

    /** The super user: may do anything, as a deployment's administrator may. */
    public static final String ADMIN = "admin";
    public static final String MECHANISM = "SCRAM-SHA-512";

    private static final Shared<LocalKafka> SHARED = new Shared<>(LocalKafka::start);
    private static final Map<String, LocalKafka> RUNNING = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KafkaConfig config;
    private KafkaRaftServer server;
    private final Path directory;
    private final String bootstrapServers;
    private final Map<String, String> passwords;

    private LocalKafka(KafkaConfig config, KafkaRaftServer server, Path directory, String bootstrapServers, Map<String, String> passwords) {
        this.config = config;
        this.server = server;
        this.directory = directory;
        this.bootstrapServers = bootstrapServers;
        this.passwords = passwords;
    }

    /** The broker every test in this JVM shares. */
    public static LocalKafka shared() {
        return SHARED.get();
    }

    public static LocalKafka start() {
        return start(0);
    }

    /** Starts a broker on the given port (0 for any free port), set up for the services as {@link BrokerRights} says. */
    public static LocalKafka start(int port) {
        return start(port, true);
    }

    /**
     * Starts a broker on any free port with nothing but its administrator: no other principal, no
     * right granted, no topic. For testing a deployment's own setup of the broker.
     */
    public static LocalKafka startBare() {
        return start(0, false);
    }

    private static LocalKafka start(int port, boolean setUp) {
        int brokerPort = port > 0 ? port : FreePorts.next();
        int controllerPort = FreePorts.next();
        Map<String, String> passwords = new ConcurrentHashMap<>();
        passwords.put(ADMIN, newPassword());
        if (setUp) {
            BrokerRights.SERVICES.forEach(service -> passwords.put(service, newPassword()));
        }
        String controllerPassword = newPassword();
        try {
            Path directory = Files.createTempDirectory("kafka-");
            Path data = directory.resolve("data");
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("process.roles", "broker,controller");
            settings.put("node.id", "1");
            settings.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            settings.put("listeners", "CLIENTS://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            settings.put("advertised.listeners", "CLIENTS://127.0.0.1:" + brokerPort);
            settings.put("listener.security.protocol.map", "CLIENTS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
            settings.put("inter.broker.listener.name", "CLIENTS");
            settings.put("controller.listener.names", "CONTROLLER");
            // Clients and the broker itself sign in with SCRAM; the controller listener, which
            // exists before any SCRAM credential can be read, with a password of its own (PLAIN).
            settings.put("sasl.enabled.mechanisms", MECHANISM);
            settings.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
            settings.put("listener.name.clients.scram-sha-512.sasl.jaas.config", scramLogin(ADMIN, passwords.get(ADMIN)));
            settings.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
            settings.put("sasl.mechanism.controller.protocol", "PLAIN");
            settings.put("listener.name.controller.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"controller\" password=\""
                            + controllerPassword + "\" user_controller=\"" + controllerPassword + "\";");
            settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            settings.put("super.users", "User:" + ADMIN + ";User:controller");
            settings.put("log.dirs", data.toString());
            settings.put("auto.create.topics.enable", "true");
            settings.put("num.partitions", "3");
            settings.put("group.initial.rebalance.delay.ms", "0");
            settings.put("offsets.topic.num.partitions", "5");
            settings.put("offsets.topic.replication.factor", "1");
            settings.put("transaction.state.log.replication.factor", "1");
            settings.put("transaction.state.log.min.isr", "1");
            settings.put("share.coordinator.state.topic.replication.factor", "1");
            settings.put("share.coordinator.state.topic.min.isr", "1");
            settings.put("log.cleaner.backoff.ms", "1000");
            KafkaConfig config = new KafkaConfig(settings, false);

            List<String> scram = new ArrayList<>();
            passwords.forEach((user, password) -> scram.add(MECHANISM + "=[name=" + user + ",password=" + password + "]"));
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(data.toString()))
                    .setMetadataLogDirectory(data.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName("CONTROLLER")
                    .setScramArguments(scram)
                    .run();

            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            LocalKafka kafka = new LocalKafka(config, server, directory, "127.0.0.1:" + brokerPort, passwords);
            try {
                kafka.awaitAnswer();
                if (setUp) {
                    kafka.setUp();
                }
            } catch (RuntimeException | Error e) {
                kafka.close();
                throw e;
            }
            RUNNING.put(kafka.bootstrapServers, kafka);
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the Kafka broker's directory", e);
        } catch (Exception e) {
            throw new IllegalStateException("the Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    /** host:port list for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * What a client signing in as {@code principal} needs: the bootstrap servers and its SASL
     * settings. Principals are {@value #ADMIN}, the services ({@link BrokerRights#SERVICES}) and the
     * teams added with {@link #addTeam}.
     */
    public Map<String, Object> clientProperties(String principal) {
        String password = passwords.get(principal);
        if (password == null) {
            throw new IllegalArgumentException(principal + " has no credentials on this broker; known: " + passwords.keySet());
        }
        return clientProperties(bootstrapServers, principal, password);
    }

    /** A client's settings for signing in to a broker as {@code principal} with {@code password} (SCRAM-SHA-512). */
    public static Map<String, Object> clientProperties(String bootstrapServers, String principal, String password) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("bootstrap.servers", bootstrapServers);
        properties.put("security.protocol", "SASL_PLAINTEXT");
        properties.put("sasl.mechanism", MECHANISM);
        properties.put("sasl.jaas.config", scramLogin(principal, password));
        return properties;
    }

    /** The password of a principal, for a service the broker's client is configured by reference (an environment variable, a setting). */
    public String password(String principal) {
        clientProperties(principal);
        return passwords.get(principal);
    }

    /** The administrator's client settings for a broker started in this JVM, by its bootstrap servers. */
    public static Map<String, Object> adminProperties(String bootstrapServers) {
        LocalKafka kafka = RUNNING.get(bootstrapServers);
        if (kafka == null) {
            throw new IllegalArgumentException("no broker of this JVM answers at " + bootstrapServers);
        }
        return kafka.clientProperties(ADMIN);
    }

    /**
     * Gives a team a principal that may only publish {@code BackupRequested} ({@link BrokerRights#team});
     * idempotent.
     */
    public synchronized void addTeam(String principal) {
        if (passwords.containsKey(principal) && !BrokerRights.SERVICES.contains(principal) && !ADMIN.equals(principal)) {
            return;
        }
        List<BrokerRights.Grant> grants = BrokerRights.team(principal);
        String password = newPassword();
        try (Admin admin = Admin.create(clientProperties(ADMIN))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(principal,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get();
            admin.createAcls(aclBindings(grants)).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not add team " + principal + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        passwords.put(principal, password);
    }

    /**
     * Writes a Kafka client configuration file for {@code principal} (readable by its owner only),
     * for the command-line tools: {@code kafka-console-producer.sh --producer.config <file>}.
     */
    public void writeClientConfig(String principal, Path file) {
        StringBuilder text = new StringBuilder();
        clientProperties(principal).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /**
     * Stops the broker as an outage would, keeping its data directory, port and credentials: clients
     * see connections refused until {@link #restart}. Idempotent.
     */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /**
     * Starts a broker {@link #stop stopped} before again, in place: the same data directory (topics,
     * records, committed offsets, credentials and rights survive), the same port. Waits until it answers.
     */
    public synchronized void restart() {
        if (server != null) {
            throw new IllegalStateException("the broker at " + bootstrapServers + " is running; stop() it first");
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        try {
            awaitAnswer();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the broker restarted", e);
        }
    }

    /** Whether the broker runs (it does unless {@link #stop stopped}). */
    public synchronized boolean running() {
        return server != null;
    }

    @Override
    public void close() {
        RUNNING.remove(bootstrapServers);
        stop();
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary directory; the system's cleaning of temporary files takes what is left
        }
    }

    /** Grants the services their rights and creates their topics, as a deployment's setup job does. */
    /** Waits until the broker answers its administrator (a plain loop: the launcher's jar has no test libraries). */
    private void awaitAnswer() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = Admin.create(clientProperties(ADMIN))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get();
                    return;
                } catch (ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the Kafka broker did not answer within 60 s: " + e.getCause().getMessage(), e.getCause());
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    private void setUp() throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(clientProperties(ADMIN))) {
            admin.createAcls(aclBindings(BrokerRights.services())).all().get();
            List<NewTopic> topics = BrokerRights.topics().stream().map(topic -> {
                // At least the services' minimum partition count (vigil-common.yml), dead-letter topics included:
                // the binder would otherwise add partitions, a right no service has.
                NewTopic created = new NewTopic(topic.name(), topic.partitions(), (short) 1);
                return topic.compacted() ? created.configs(Map.of("cleanup.policy", "compact")) : created;
            }).toList();
            admin.createTopics(topics).all().get();
        }
    }

    private static List<AclBinding> aclBindings(List<BrokerRights.Grant> grants) {
        List<AclBinding> bindings = new ArrayList<>();
        for (BrokerRights.Grant grant : grants) {
            String user = "User:" + grant.principal();
            AclOperation operation = grant.access() == BrokerRights.Access.WRITE ? AclOperation.WRITE : AclOperation.READ;
            bindings.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, grant.topic(), PatternType.LITERAL),
                    new AccessControlEntry(user, "*", operation, AclPermissionType.ALLOW)));
            if (grant.group() != null) {
                bindings.add(new AclBinding(new ResourcePattern(ResourceType.GROUP, grant.group(), PatternType.LITERAL),
                        new AccessControlEntry(user, "*", AclOperation.READ, AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }

    private static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    private static String newPassword() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            password.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return password.toString();
    }
}
