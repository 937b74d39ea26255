package dev.vigil.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.BrokerRights;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The worker has no outbox: an event it cannot send fails the job. So every topic it writes is bound
 * at start-up, while the broker answers, not on first send, which during a broker outage fails at once
 * (the binding retried only 30 s later) and turned finished dumps into failed jobs
 * (BrokerOutageEndToEndTest).
 */
class OutputBindingsTest {

    @Test
    void everyTopicTheWorkerWritesIsBoundAtStartUp() throws IOException {
        Map<String, Object> settings;
        try (InputStream yaml = getClass().getResourceAsStream("/dump-worker.yml")) {
            settings = new Yaml().load(yaml);
        }
        String bound = (String) at(settings, "spring", "cloud", "stream", "output-bindings");
        var writes = BrokerRights.services().stream()
                .filter(grant -> grant.principal().equals(BrokerRights.WORKER) && grant.access() == BrokerRights.Access.WRITE)
                // Dead-letter topics are written by the binder's own producer, not through a binding.
                .map(BrokerRights.Grant::topic).filter(topic -> !topic.startsWith("error.")).toList();

        assertThat(writes).isNotEmpty();
        assertThat(Arrays.asList(bound.split(";"))).containsExactlyInAnyOrderElementsOf(writes);
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> map, String... path) {
        Object node = map;
        for (String key : path) {
            node = ((Map<String, Object>) node).get(key);
        }
        return node;
    }
}
