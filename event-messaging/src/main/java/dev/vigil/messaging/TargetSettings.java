package dev.vigil.messaging;

import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Every target's settings (connection, what to dump, how many backups to keep, its own checks), read
 * from the compacted targets topic from its beginning by each instance (no consumer group: every
 * instance needs every target). The one client for target settings, auto-configured in every service.
 *
 * <p>One policy for "not known yet": a lookup waits up to {@code vigil.targets.read-wait} for the
 * topic to be read to the end it had at start-up, then answers explicitly: {@link Lookup.Known},
 * {@link Lookup.NotConfigured}, or {@link Lookup.NotReadYet}. Each caller decides what the last two
 * mean for it and says so; none guesses. Thread-safe.
 */
public class TargetSettings implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TargetSettings.class);

    /** What a lookup found. */
    public sealed interface Lookup {

        /** The target's settings as last announced. */
        record Known(TargetConfigured settings) implements Lookup {
        }

        /** The topic has been read and holds no settings for the target: never announced, or withdrawn. */
        record NotConfigured(TargetId targetId) implements Lookup {
        }

        /** The topic has not been read to its end within {@code waited}: whether the target is configured is not known. */
        record NotReadYet(Duration waited) implements Lookup {
        }
    }

    private final Map<String, Object> clientProperties;
    private final Duration readWait;
    private final Map<TargetId, TargetConfigured> targets = new ConcurrentHashMap<>();
    /** Guards {@link #caughtUp}; notified when the topic has been read to its end and on every change. */
    private final Object changed = new Object();
    private volatile boolean caughtUp;
    private volatile boolean running;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    /**
     * @param readWait how long a lookup waits for the topic to be read to its end before it answers {@link Lookup.NotReadYet}
     */
    public TargetSettings(Map<String, Object> clientProperties, Duration readWait) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.readWait = readWait;
    }

    /** The target's settings, waiting up to the read wait for the topic to be read. */
    public Lookup lookup(TargetId id) throws InterruptedException {
        return lookup(id, Duration.ZERO);
    }

    /**
     * The target's settings, waiting up to the read wait for the topic to be read and then up to
     * {@code lateAnnouncement} more for a target announced after this request was made.
     */
    public Lookup lookup(TargetId id, Duration lateAnnouncement) throws InterruptedException {
        if (!awaitCaughtUp()) {
            return new Lookup.NotReadYet(readWait);
        }
        long deadline = System.nanoTime() + lateAnnouncement.toNanos();
        synchronized (changed) {
            TargetConfigured settings;
            while ((settings = targets.get(id)) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new Lookup.NotConfigured(id);
                }
                changed.wait(Math.max(1, left / 1_000_000));
            }
            return new Lookup.Known(settings);
        }
    }

    /** The targets the topic holds settings for, once it has been read; empty when it was not read within the read wait. */
    public java.util.Optional<Set<TargetId>> configured() throws InterruptedException {
        return awaitCaughtUp() ? java.util.Optional.of(Set.copyOf(targets.keySet())) : java.util.Optional.empty();
    }

    /** Every target's current settings, once the topic has been read; empty when it was not read within the read wait. */
    public java.util.Optional<List<TargetConfigured>> current() throws InterruptedException {
        return awaitCaughtUp() ? java.util.Optional.of(List.copyOf(targets.values())) : java.util.Optional.empty();
    }

    private boolean awaitCaughtUp() throws InterruptedException {
        long deadline = System.nanoTime() + readWait.toNanos();
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

    private void markCaughtUp() {
        synchronized (changed) {
            if (!caughtUp) {
                log.info("target settings read: {} target(s)", targets.size());
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
                    partitions = consumer.partitionsFor(Topics.TARGETS, Duration.ofSeconds(5)).stream()
                            .map((PartitionInfo p) -> new TopicPartition(p.topic(), p.partition())).toList();
                } catch (TimeoutException unreachable) {
                    // The broker did not answer: lookups say the settings are not known yet; the broker is asked again.
                    continue;
                }
                if (partitions.isEmpty()) {
                    // No target announced yet: nothing to catch up with; the topic is looked for again.
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
                    apply(record);
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

    /** One record of the topic; one that is not a target's settings is skipped, never fatal to the reader. */
    private void apply(ConsumerRecord<byte[], byte[]> record) {
        TargetId id;
        try {
            id = new TargetId(new String(record.key(), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            log.warn("ignoring a record of {} whose key is not a target id (partition {}, offset {}): {}", Topics.TARGETS,
                    record.partition(), record.offset(), e.getMessage());
            return;
        }
        synchronized (changed) {
            if (record.value() == null) {
                targets.remove(id);
            } else {
                try {
                    TargetConfigured settings = EventJson.read(record.value(), TargetConfigured.class);
                    if (!settings.targetId().equals(id)) {
                        log.warn("ignoring settings for target {} keyed as {} (partition {}, offset {})", settings.targetId(), id,
                                record.partition(), record.offset());
                        return;
                    }
                    targets.put(id, settings);
                } catch (RuntimeException e) {
                    log.warn("ignoring an unreadable settings record for target {}: {}", id, e.getMessage());
                    return;
                }
            }
            changed.notifyAll();
        }
    }

    @Override
    public void start() {
        Map<String, Object> settings = new HashMap<>(clientProperties);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = Thread.ofPlatform().name("target-settings").daemon().start(this::run);
    }

    @Override
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

    @Override
    public boolean isRunning() {
        return running;
    }
}
