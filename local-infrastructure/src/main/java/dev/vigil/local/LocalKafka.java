package dev.vigil.local;

import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real single-node Kafka broker in KRaft mode, in this JVM. Topics are created on first use by
 * the clients, as in production with auto-creation; replication factors are 1.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Shared<LocalKafka> SHARED = new Shared<>(LocalKafka::start);

    private final EmbeddedKafkaKraftBroker broker;

    private LocalKafka(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    /** The broker every test in this JVM shares. */
    public static LocalKafka shared() {
        return SHARED.get();
    }

    public static LocalKafka start() {
        return start(0);
    }

    /** Starts a broker on the given port (0 for any free port). */
    public static LocalKafka start(int port) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
        broker.brokerProperties(Map.of(
                "auto.create.topics.enable", "true",
                "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "5",
                "log.cleaner.backoff.ms", "1000"));
        if (port > 0) {
            broker.kafkaPorts(port);
        }
        broker.afterPropertiesSet();
        return new LocalKafka(broker);
    }

    /** host:port list for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    @Override
    public void close() {
        broker.destroy();
    }
}
