package dev.vigil.scheduler.target;

import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.Topics;
import dev.vigil.messaging.EventPublisher;
import dev.vigil.scheduler.SchedulerProperties;
import java.time.ZoneId;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Loads the target catalog and announces every target on the compacted targets topic at start-up,
 * so dump workers learn how to reach each target without reading the scheduler's tables; a target
 * no longer in the catalog gets a tombstone, so workers forget it.
 */
@Configuration(proxyBeanMethods = false)
class TargetConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TargetConfiguration.class);

    @Bean
    TargetCatalog targetCatalog(SchedulerProperties properties) {
        List<Target> targets = TargetsFile.read(properties.targetsFile(),
                TargetsFile.normalizeCron("vigil.scheduler.default-schedule", properties.defaultSchedule()),
                ZoneId.of(properties.defaultTimeZone()));
        log.info("loaded {} target(s) from {}: {}", targets.size(), properties.targetsFile(),
                targets.stream().map(t -> t.id().value()).toList());
        return new TargetCatalog(targets);
    }

    @Bean
    TargetAnnouncer targetAnnouncer(TargetCatalog catalog, EventPublisher publisher,
            @Value("${spring.cloud.stream.kafka.binder.brokers}") String brokers) {
        return new TargetAnnouncer(catalog, publisher, brokers);
    }

    static final class TargetAnnouncer {

        private final TargetCatalog catalog;
        private final EventPublisher publisher;
        private final String brokers;

        TargetAnnouncer(TargetCatalog catalog, EventPublisher publisher, String brokers) {
            this.catalog = catalog;
            this.publisher = publisher;
            this.brokers = brokers;
        }

        @EventListener(ApplicationReadyEvent.class)
        void announce() throws InterruptedException, ExecutionException {
            ensureCompactedTopic();
            for (Target target : catalog.all()) {
                publisher.publish(TargetConfigured.now(target.id(), target.connection(), target.dump(), target.retention(), target.checks()));
                log.info("announced target {} ({})", target.id(), target.connection().describe());
            }
            Set<String> announced = announcedTargets();
            announced.removeAll(catalog.ids());
            if (!announced.isEmpty()) {
                try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
                        new StringSerializer(), new ByteArraySerializer())) {
                    for (String removed : announced) {
                        producer.send(new ProducerRecord<>(Topics.TARGETS, removed, null)).get();
                        log.info("target {} is no longer in the targets file: withdrawn from the dump workers", removed);
                    }
                }
            }
        }

        /** The targets the compacted topic holds settings for now, read from its beginning to its end. */
        private Set<String> announcedTargets() {
            Set<String> live = new HashSet<>();
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.TARGETS, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.value() == null) {
                            live.remove(record.key());
                        } else {
                            live.add(record.key());
                        }
                    }
                }
            }
            return live;
        }

        private void ensureCompactedTopic() throws InterruptedException {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
                Set<String> existing = admin.listTopics().names().get();
                if (!existing.contains(Topics.TARGETS)) {
                    admin.createTopics(List.of(new NewTopic(Topics.TARGETS, 3, (short) -1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create the " + Topics.TARGETS + " topic: " + e.getCause().getMessage(), e);
                }
            }
        }
    }
}
