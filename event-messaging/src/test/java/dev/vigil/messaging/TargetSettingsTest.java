package dev.vigil.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.BrokerRights;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.FreePorts;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The one client for target settings, against a real broker: what it answers, and what it answers when it cannot know. */
class TargetSettingsTest {

    private static final String BROKERS = LocalKafka.shared().bootstrapServers();

    private static void announce(String id, String host) {
        KafkaProbe.send(BROKERS, Topics.TARGETS, id, EventJson.writeString(TargetConfigured.now(new TargetId(id),
                new Connection(host, 5432, "app", "backup", null, null))));
    }

    private static void send(String key, byte[] value) throws ExecutionException, InterruptedException {
        try (var producer = new KafkaProducer<byte[], byte[]>(LocalKafka.adminProperties(BROKERS), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.TARGETS, key.getBytes(StandardCharsets.UTF_8), value)).get();
        }
    }

    @Test
    void aReadTopicAnswersEachTargetsLatestSettingsAndSaysWhichAreNotConfigured() throws Exception {
        announce("settings-a", "old.internal");
        announce("settings-a", "new.internal");
        announce("settings-withdrawn", "gone.internal");
        send("settings-withdrawn", null);
        // Neither kills the reader: the record after them is read.
        send("Not A Target Id!", "{}".getBytes(StandardCharsets.UTF_8));
        send("settings-garbled", "not json".getBytes(StandardCharsets.UTF_8));
        announce("settings-b", "b.internal");

        TargetSettings settings = new TargetSettings(LocalKafka.shared().clientProperties(BrokerRights.WORKER), Duration.ofSeconds(30));
        settings.start();
        try {
            assertThat(settings.lookup(new TargetId("settings-a"))).isInstanceOfSatisfying(TargetSettings.Lookup.Known.class,
                    known -> assertThat(known.settings().connection().host()).isEqualTo("new.internal"));
            assertThat(settings.lookup(new TargetId("settings-b"))).isInstanceOf(TargetSettings.Lookup.Known.class);
            assertThat(settings.lookup(new TargetId("settings-withdrawn"))).isEqualTo(
                    new TargetSettings.Lookup.NotConfigured(new TargetId("settings-withdrawn")));
            assertThat(settings.lookup(new TargetId("settings-garbled"))).isInstanceOf(TargetSettings.Lookup.NotConfigured.class);
            assertThat(settings.configured()).hasValueSatisfying(ids -> assertThat(ids)
                    .contains(new TargetId("settings-a"), new TargetId("settings-b"))
                    .doesNotContain(new TargetId("settings-withdrawn"), new TargetId("settings-garbled")));
        } finally {
            settings.stop();
        }
    }

    @Test
    void aTargetAnnouncedWhileALookupWaitsForItIsFound() throws Exception {
        announce("settings-early", "early.internal");
        TargetSettings settings = new TargetSettings(LocalKafka.shared().clientProperties(BrokerRights.WORKER), Duration.ofSeconds(30));
        settings.start();
        try {
            assertThat(settings.lookup(new TargetId("settings-early"))).isInstanceOf(TargetSettings.Lookup.Known.class);
            Thread.ofVirtual().start(() -> announce("settings-late", "late.internal"));

            assertThat(settings.lookup(new TargetId("settings-late"), Duration.ofSeconds(20))).isInstanceOf(TargetSettings.Lookup.Known.class);
        } finally {
            settings.stop();
        }
    }

    @Test
    void withoutABrokerALookupSaysTheSettingsAreNotKnownYetRatherThanNotConfigured() throws Exception {
        TargetSettings settings = new TargetSettings(Map.of("bootstrap.servers", "127.0.0.1:" + FreePorts.next()), Duration.ofSeconds(1));
        settings.start();
        try {
            long started = System.nanoTime();
            TargetSettings.Lookup lookup = settings.lookup(new TargetId("anything"));

            assertThat(lookup).isEqualTo(new TargetSettings.Lookup.NotReadYet(Duration.ofSeconds(1)));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the read wait").isLessThan(Duration.ofSeconds(5));
            assertThat(settings.configured()).isEmpty();
        } finally {
            settings.stop();
        }
    }
}
