package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Topics;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/** Topic names are written once, in the contracts: every binding in every service's YAML must name one of them. */
class ServiceBindingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"scheduler-service", "dump-worker", "storage-service", "verifier-service", "notifier-service"})
    @SuppressWarnings("unchecked")
    void everyBindingConsumesAContractTopicInAConsumerGroupOfItsService(String service) throws Exception {
        Map<String, Object> yaml;
        try (InputStream in = getClass().getResourceAsStream("/" + service + ".yml")) {
            assertThat(in).as("%s.yml on the classpath", service).isNotNull();
            yaml = new Yaml().load(in);
        }
        Map<String, Object> bindings = (Map<String, Object>) path(yaml, "spring", "cloud", "stream", "bindings");
        assertThat(bindings).as("bindings of %s", service).isNotEmpty();
        bindings.forEach((name, value) -> {
            Map<String, Object> binding = (Map<String, Object>) value;
            Stream<String> destinations = Arrays.stream(String.valueOf(binding.get("destination")).split(",")).map(String::trim);
            assertThat(destinations).as("%s binding %s", service, name).allSatisfy(topic -> assertThat(Topics.ALL).contains(topic));
            assertThat(binding.get("group")).as("%s binding %s consumer group", service, name).isEqualTo(service);
        });
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> yaml, String... keys) {
        Object node = yaml;
        for (String key : keys) {
            node = ((Map<String, Object>) node).get(key);
        }
        return node;
    }
}
