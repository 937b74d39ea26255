package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.BrokerRights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The deployment's broker setup ({@code deploy/kafka}: setup.sh with rights.txt and topics.txt, run by
 * docker-compose's {@code kafka-setup}) grants what the contracts' {@link BrokerRights} say, no more:
 * the same table the embedded broker of the tests and {@code ./vigil dev} is set up from.
 */
class BrokerSetupConsistencyTest {

    private static final Path ROOT = SettingsFiles.repositoryRoot();

    @Test
    void rightsTxtGrantsExactlyWhatTheContractsGrant() throws IOException {
        List<String> expected = BrokerRights.services().stream()
                .map(grant -> grant.principal() + " " + grant.access() + " " + grant.topic() + (grant.group() == null ? "" : " " + grant.group()))
                .toList();
        assertThat(lines("rights.txt")).as("deploy/kafka/rights.txt, one grant a line, in the order of BrokerRights.services()")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void topicsTxtCreatesEveryTopicTheServicesUse() throws IOException {
        List<String> expected = BrokerRights.topics().stream()
                .map(topic -> topic.name() + " " + topic.partitions() + (topic.compacted() ? " compacted" : ""))
                .toList();
        assertThat(lines("topics.txt")).as("deploy/kafka/topics.txt, in the order of BrokerRights.topics()")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void theSetupScriptCreatesAPrincipalForEveryServiceAndMasksPasswordsInWhatItPrints() throws IOException {
        String script = Files.readString(ROOT.resolve("deploy/kafka/setup.sh"));
        assertThat(script).contains("for service in " + String.join(" ", BrokerRights.SERVICES) + "; do");
        assertThat(script).as("what kafka-configs prints about a credential is masked").contains("s/password=[^],]*/password=****/g");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeSignsEveryServiceInWithThePasswordTheSetupGaveIt() {
        Map<String, Object> services = (Map<String, Object>) ((Map<String, Object>) SettingsFiles.document(ROOT.resolve("docker-compose.yml")))
                .get("services");
        Map<String, Object> setup = (Map<String, Object>) services.get("kafka-setup");
        Map<String, Object> setupEnvironment = (Map<String, Object>) setup.get("environment");
        Map<String, Object> kafka = (Map<String, Object>) ((Map<String, Object>) services.get("kafka")).get("environment");
        assertThat(String.valueOf(kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"))).as("every kafka listener signs clients in")
                .doesNotContain(":PLAINTEXT").doesNotContain(":SSL");
        assertThat(kafka.get("KAFKA_AUTHORIZER_CLASS_NAME")).isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        assertThat(String.valueOf(kafka.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"))).isEqualTo("false");
        for (String service : BrokerRights.SERVICES) {
            Map<String, Object> definition = (Map<String, Object>) services.get(service);
            Map<String, Object> environment = (Map<String, Object>) definition.get("environment");
            String variable = "VIGIL_KAFKA_" + service.toUpperCase(Locale.ROOT).replace('-', '_') + "_PASSWORD";
            assertThat(environment.get("VIGIL_KAFKA_PASSWORD")).as("%s: VIGIL_KAFKA_PASSWORD, the same as kafka-setup's %s", service, variable)
                    .isNotNull().isEqualTo(setupEnvironment.get(variable));
            assertThat(String.valueOf(environment.get("VIGIL_KAFKA_PASSWORD"))).as("%s: a password by reference, settable outside the file", service)
                    .startsWith("${" + variable + ":-");
            Map<String, Object> dependsOn = (Map<String, Object>) definition.get("depends_on");
            assertThat(dependsOn).as("%s starts after the broker is set up", service).containsKey("kafka-setup");
            assertThat(((Map<String, Object>) dependsOn.get("kafka-setup")).get("condition")).isEqualTo("service_completed_successfully");
        }
    }

    private static List<String> lines(String file) throws IOException {
        return Files.readAllLines(ROOT.resolve("deploy/kafka").resolve(file)).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
    }
}
