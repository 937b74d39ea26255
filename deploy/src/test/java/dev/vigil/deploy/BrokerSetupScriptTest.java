package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.BrokerRights;
import dev.vigil.contracts.Topics;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the deployment's broker setup, {@code deploy/kafka/setup.sh} (what docker-compose's
 * {@code kafka-setup} runs), against a real broker that has nothing but its administrator, with
 * Kafka's own command-line tools (the classes the image's scripts start), and checks the broker then
 * signs the services and a team in and grants them what {@link BrokerRights} says, and no more.
 */
class BrokerSetupScriptTest {

    @TempDir
    Path tmp;

    @Test
    void theSetupScriptGivesABareBrokerThePrincipalsRightsAndTopicsOfTheContracts() throws Exception {
        try (LocalKafka kafka = LocalKafka.startBare()) {
            Map<String, String> passwords = new HashMap<>();
            BrokerRights.SERVICES.forEach(service -> passwords.put(service, UUID.randomUUID().toString()));
            passwords.put("team-demo", UUID.randomUUID().toString());

            Path log = tmp.resolve("setup.log");
            ProcessBuilder setup = new ProcessBuilder("bash", SettingsFiles.repositoryRoot().resolve("deploy/kafka/setup.sh").toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> environment = setup.environment();
            environment.put("KAFKA_BIN", kafkaTools().toString());
            environment.put("KAFKA_BOOTSTRAP", kafka.bootstrapServers());
            environment.put("KAFKA_ADMIN_USER", LocalKafka.ADMIN);
            environment.put("KAFKA_ADMIN_PASSWORD", kafka.password(LocalKafka.ADMIN));
            environment.put("KAFKA_ADMIN_MECHANISM", LocalKafka.MECHANISM);
            BrokerRights.SERVICES.forEach(service -> environment.put(
                    "VIGIL_KAFKA_" + service.toUpperCase(Locale.ROOT).replace('-', '_') + "_PASSWORD", passwords.get(service)));
            environment.put("VIGIL_KAFKA_TEAMS", "team-demo:TEAM_DEMO_PASSWORD");
            environment.put("TEAM_DEMO_PASSWORD", passwords.get("team-demo"));
            Process process = setup.start();
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("setup.sh finished within 5 minutes").isTrue();
            assertThat(process.exitValue()).as("setup.sh's exit code; its output:\n%s", Files.readString(log)).isZero();
            assertThat(Files.readString(log)).contains("setup: done").doesNotContain(passwords.get("dump-worker"));

            Map<String, Object> worker = client(kafka, "dump-worker", passwords);
            Map<String, Object> team = client(kafka, "team-demo", passwords);
            String marker = "{\"jobId\":\"" + UUID.randomUUID() + "\"}";
            KafkaProbe.send(worker, Topics.ARTIFACT_CREATED, "demo", marker);
            KafkaProbe.send(team, Topics.BACKUP_REQUESTED, "demo", "{}");
            assertThatThrownBy(() -> KafkaProbe.send(worker, Topics.BACKUP_VERIFIED, "demo", "{}"))
                    .rootCause().isInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> KafkaProbe.send(team, Topics.ARTIFACT_CREATED, "demo", "{}"))
                    .rootCause().isInstanceOf(TopicAuthorizationException.class);

            Map<String, Object> storage = new HashMap<>(client(kafka, "storage-service", passwords));
            storage.put("group.id", "storage-service");
            try (KafkaProbe reader = new KafkaProbe(storage, Topics.ARTIFACT_CREATED)) {
                reader.await(seen -> marker.equals(seen.value()), Duration.ofSeconds(30));
            }

            try (Admin admin = Admin.create(kafka.clientProperties(LocalKafka.ADMIN))) {
                assertThat(admin.listTopics().names().get())
                        .containsAll(BrokerRights.topics().stream().map(BrokerRights.TopicSpec::name).toList());
                var described = admin.describeTopics(List.of(Topics.BACKUP_REQUESTED, Topics.DUMP_STARTED)).allTopicNames().get();
                assertThat(described.get(Topics.BACKUP_REQUESTED).partitions()).as("the requests' topic, which dump workers share")
                        .hasSize(BrokerRights.SCALED_OUT_PARTITIONS);
                assertThat(described.get(Topics.DUMP_STARTED).partitions()).hasSize(BrokerRights.PARTITIONS);
                ConfigResource targets = new ConfigResource(ConfigResource.Type.TOPIC, Topics.TARGETS);
                assertThat(admin.describeConfigs(List.of(targets)).all().get().get(targets).get("cleanup.policy").value())
                        .isEqualTo("compact");
            }
        }
    }

    private static Map<String, Object> client(LocalKafka kafka, String principal, Map<String, String> passwords) {
        return LocalKafka.clientProperties(kafka.bootstrapServers(), principal, passwords.get(principal));
    }

    /** kafka-configs.sh, kafka-topics.sh and kafka-acls.sh as the Kafka distribution's scripts start them: their main classes. */
    private Path kafkaTools() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, String> tools = Map.of(
                "kafka-configs.sh", "kafka.admin.ConfigCommand",
                "kafka-topics.sh", "org.apache.kafka.tools.TopicCommand",
                "kafka-acls.sh", "org.apache.kafka.tools.AclCommand");
        for (Map.Entry<String, String> tool : tools.entrySet()) {
            Path script = bin.resolve(tool.getKey());
            Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '"
                    + System.getProperty("java.class.path") + "' " + tool.getValue() + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
        return bin;
    }
}
