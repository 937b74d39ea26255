package dev.vigil.messaging;

import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Every target's settings (connection, what to dump, how many backups to keep), read from the
 * compacted targets topic from its beginning by each instance (no consumer group: every instance
 * needs every target). Thread-safe.
 */
public class TargetDirectory implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TargetDirectory.class);

    private final String bootstrapServers;
    private final Map<TargetId, TargetConfigured> targets = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public TargetDirectory(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * The target's settings, waiting until the topic has been read to its end and then up to
     * {@code wait} for a target announced late.
     */
    public Optional<TargetConfigured> find(TargetId id, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        caughtUp.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        TargetConfigured connection = targets.get(id);
        while (connection == null && System.nanoTime() < deadline) {
            Thread.sleep(100);
            connection = targets.get(id);
        }
        return Optional.ofNullable(connection);
    }

    /** Whether the topic has been read to the end it had at start-up, waiting up to {@code wait} for it. */
    public boolean awaitCaughtUp(Duration wait) throws InterruptedException {
        return caughtUp.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The target's settings as known now; empty for a target never announced, or withdrawn. */
    public Optional<TargetConfigured> current(TargetId id) {
        return Optional.ofNullable(targets.get(id));
    }

    private void run() {
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                partitions = consumer.partitionsFor(Topics.TARGETS, Duration.ofSeconds(5)).stream()
                        .map((PartitionInfo p) -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    // No target announced yet: nothing to catch up with.
                    caughtUp.countDown();
                    Thread.sleep(1000);
                    if (!running) {
                        return;
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
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    log.info("target directory caught up: {} target(s)", targets.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // stopping
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        TargetId id = new TargetId(new String(record.key(), StandardCharsets.UTF_8));
        if (record.value() == null) {
            targets.remove(id);
            return;
        }
        try {
            targets.put(id, EventJson.read(record.value(), TargetConfigured.class));
        } catch (RuntimeException e) {
            log.warn("ignoring an unreadable settings record for target {}: {}", id, e.getMessage());
        }
    }

    @Override
    public void start() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = Thread.ofPlatform().name("target-directory").daemon().start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
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
