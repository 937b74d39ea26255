package dev.vigil.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a compacted topic from its beginning, with no consumer group (every instance needs every
 * key), on a thread of its own, and keeps following it. The owner keeps the state: each record is
 * handed to it under this reader's lock, and waiters are woken after each. Knows when the topic has
 * been read to the end it had when reading began ("caught up"). Thread-safe.
 */
public final class CompactedTopicReader {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicReader.class);

    /** Applies one record (a null value is a tombstone) to the owner's state; must not throw for a bad record. */
    @FunctionalInterface
    public interface Records {
        void apply(ConsumerRecord<byte[], byte[]> record);
    }

    /**
     * Records that keep the latest value per key in {@code latest}: a tombstone removes the key; a
     * record whose key or value cannot be read, or whose value names another key than the record's,
     * is skipped with a warning (never fatal to the reader).
     *
     * @param key   reads a record's key (may throw for a key that is not one)
     * @param keyOf the key a value names, which must be the record's
     */
    public static <K, V> Records latestInto(Map<K, V> latest, String topic, java.util.function.Function<String, K> key, Class<V> type,
            java.util.function.Function<V, K> keyOf) {
        return record -> {
            K id;
            try {
                id = key.apply(new String(java.util.Objects.requireNonNull(record.key(), "no key"), java.nio.charset.StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                log.warn("ignoring a record of {} whose key is not one (partition {}, offset {}): {}", topic, record.partition(), record.offset(),
                        e.getMessage());
                return;
            }
            if (record.value() == null) {
                latest.remove(id);
                return;
            }
            try {
                V value = dev.vigil.contracts.json.EventJson.read(record.value(), type);
                if (!keyOf.apply(value).equals(id)) {
                    log.warn("ignoring a {} for {} keyed as {} on {} (partition {}, offset {})", type.getSimpleName(), keyOf.apply(value), id, topic,
                            record.partition(), record.offset());
                    return;
                }
                latest.put(id, value);
            } catch (RuntimeException e) {
                log.warn("ignoring an unreadable {} for {} on {}: {}", type.getSimpleName(), id, topic, e.getMessage());
            }
        };
    }

    private final String topic;
    private final Map<String, Object> clientProperties;
    private final Records records;
    /** Guards {@link #caughtUp} and the owner's state; notified when caught up and after every record. */
    private final Object changed = new Object();
    private volatile boolean caughtUp;
    private volatile boolean running;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public CompactedTopicReader(String topic, Map<String, Object> clientProperties, Records records) {
        this.topic = topic;
        this.clientProperties = Map.copyOf(clientProperties);
        this.records = records;
    }

    /** Waits up to {@code wait} for the topic to be read to its end; answers whether it was. */
    public boolean awaitCaughtUp(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (changed) {
            while (!caughtUp) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Asks {@code probe} under the lock after every record until it answers something, for up to {@code wait}; null if it never did. */
    public <T> @Nullable T awaitAnswer(Supplier<@Nullable T> probe, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (changed) {
            T answer;
            while ((answer = probe.get()) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                changed.wait(Math.max(1, left / 1_000_000));
            }
            return answer;
        }
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    private void markCaughtUp() {
        synchronized (changed) {
            if (!caughtUp) {
                log.info("{} read to its end", topic);
            }
            caughtUp = true;
            changed.notifyAll();
        }
    }

    private void run() {
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                try {
                    partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                            .map((PartitionInfo p) -> new TopicPartition(p.topic(), p.partition())).toList();
                } catch (TimeoutException unreachable) {
                    // The broker did not answer: readers hear "not read yet"; the broker is asked again.
                    continue;
                }
                if (partitions.isEmpty()) {
                    // The topic holds nothing yet: nothing to catch up with; it is looked for again.
                    markCaughtUp();
                    synchronized (changed) {
                        changed.wait(1000);
                    }
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    synchronized (changed) {
                        records.apply(record);
                        changed.notifyAll();
                    }
                }
                if (!caughtUp && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    markCaughtUp();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // stopping
        } finally {
            consumer.close();
        }
    }

    /** Starts reading on a daemon thread named {@code threadName}. */
    public void start(String threadName) {
        Map<String, Object> settings = new HashMap<>(clientProperties);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = Thread.ofPlatform().name(threadName).daemon().start(this::run);
    }

    public void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        synchronized (changed) {
            changed.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return running;
    }
}
