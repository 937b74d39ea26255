package dev.vigil.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A test's own view of topics: reads them from the beginning under a group of its own and keeps
 * what it saw; also sends raw records as an outside team would. Not thread-safe; one per test.
 */
public final class KafkaProbe implements AutoCloseable {

    /** A record as it was on the topic. */
    public record Seen(String topic, String key, String value, Map<String, String> headers) {

        public String header(String name) {
            return headers.get(name);
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Seen> seen = new ArrayList<>();

    /** Reads as the administrator of a broker started in this JVM ({@link LocalKafka#adminProperties}). */
    public KafkaProbe(String bootstrapServers, String... topics) {
        this(LocalKafka.adminProperties(bootstrapServers), topics);
    }

    /**
     * Reads with the given client settings (bootstrap servers and credentials: {@link LocalKafka#clientProperties}),
     * under a group of its own unless they name one.
     */
    public KafkaProbe(Map<String, Object> client, String... topics) {
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("group.id", "probe-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "allow.auto.create.topics", "true", "metadata.max.age.ms", "500"));
        settings.putAll(client);
        this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics));
    }

    /** Polls until a record matching {@code condition} was seen, or fails after {@code timeout}. */
    public Seen await(Predicate<Seen> condition, Duration timeout) {
        try {
            return arrivals("matching records", condition).arriveWithin(timeout, 1).getFirst();
        } catch (AssertionError e) {
            throw new AssertionError("no matching record within " + timeout + "; saw " + seen.size() + ": " + seen, e);
        }
    }

    /**
     * The records matching {@code condition} as they arrive, polling the topics each time they are
     * looked at: to wait for some, or to assert that no more arrive within a window.
     */
    public Arrivals<Seen> arrivals(String what, Predicate<Seen> condition) {
        return Arrivals.of(what, () -> {
            poll(Duration.ofMillis(100));
            return seen.stream().filter(condition).toList();
        });
    }

    /** Everything seen so far, after one more poll of {@code wait}. */
    public List<Seen> seen(Duration wait) {
        poll(wait);
        return List.copyOf(seen);
    }

    private void poll(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
            seen.add(new Seen(record.topic(), record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                    record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8), headers));
        }
    }

    /** Sends one raw record as the administrator of a broker started in this JVM and waits for the broker to acknowledge it. */
    public static void send(String bootstrapServers, String topic, String key, String value) {
        send(LocalKafka.adminProperties(bootstrapServers), topic, key, value);
    }

    /**
     * Sends one raw record with the given client settings (bootstrap servers and credentials) and
     * waits for the broker to acknowledge it; a refusal is thrown with the broker's reason as its cause.
     */
    public static void send(Map<String, Object> client, String topic, String key, String value) {
        Map<String, Object> settings = new java.util.HashMap<>(client);
        settings.put("max.block.ms", "20000");
        try (var producer = new KafkaProducer<byte[], byte[]>(settings, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8))).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not send to " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
