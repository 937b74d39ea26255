package dev.vigil.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dispatcher through the real binder and broker, on a topic of one partition and two slots: what
 * runs at once, what waits, and what is committed when. Work here is a gate the test opens.
 */
@DirtiesContext
@SpringBootTest(classes = OffThreadDispatcherTest.App.class, properties = {
        "spring.config.name=vigil-common",
        "spring.application.name=dispatcher-test",
        "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
                + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "spring.cloud.function.definition=work",
        "spring.cloud.stream.bindings.work-in-0.destination=" + OffThreadDispatcherTest.TOPIC,
        "spring.cloud.stream.bindings.work-in-0.group=" + OffThreadDispatcherTest.GROUP,
        "spring.cloud.stream.kafka.binder.minPartitionCount=1",
        "spring.cloud.stream.kafka.binder.autoAddPartitions=false",
        "spring.cloud.stream.kafka.bindings.work-in-0.consumer.ackMode=MANUAL",
        "spring.cloud.stream.kafka.bindings.work-in-0.consumer.enableDlq=false",
        "spring.cloud.stream.kafka.bindings.work-in-0.consumer.configuration.max.poll.records=1"})
class OffThreadDispatcherTest {

    static final String TOPIC = "dispatcher.test";
    static final String GROUP = "dispatcher-test";
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Work started, by the record's value. */
    static final Set<String> STARTED = ConcurrentHashMap.newKeySet();
    /** Work ended, by the record's value. */
    static final Set<String> ENDED = ConcurrentHashMap.newKeySet();
    /** Each piece of work runs until its gate opens. */
    static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        OffThreadDispatcher dispatcher() {
            return new OffThreadDispatcher(TOPIC, new OffThreadDispatcher.Binding("work-in-0", 2), "test-work");
        }

        @Bean
        Consumer<Message<byte[]>> work(OffThreadDispatcher dispatcher) {
            return message -> {
                String value = new String(message.getPayload(), StandardCharsets.UTF_8);
                dispatcher.dispatch(message, "work " + value, cancellation -> {
                    STARTED.add(value);
                    gate(value).await();
                    ENDED.add(value);
                });
            };
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        try (Admin admin = Admin.create(LocalKafka.shared().clientProperties(LocalKafka.ADMIN))) {
            if (!admin.listTopics().names().get().contains(TOPIC)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
        }
        ServiceTestSettings.kafka(registry, LocalKafka.ADMIN);
    }

    /** Every test leaves all its work started; it ends here, so the next test has both slots. */
    @AfterEach
    void endEveryWork() {
        GATES.values().forEach(CountDownLatch::countDown);
        await().atMost(WAIT).until(() -> ENDED.containsAll(STARTED));
    }

    @Test
    void recordsOfOnePartitionRunAtOnceUpToTheSlotsAndTheNextStartsWhenOneEnds() throws Exception {
        send("target-a", "a1");
        send("target-b", "b1");
        send("target-c", "c1");

        await().atMost(WAIT).until(() -> STARTED.containsAll(Set.of("a1", "b1")));
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> !STARTED.contains("c1"));

        gate("a1").countDown();
        await().atMost(WAIT).until(() -> STARTED.contains("c1"));
        assertThat(ENDED).contains("a1").doesNotContain("b1", "c1");
    }

    @Test
    void oneKeysRecordsRunOneAfterAnother() throws Exception {
        send("target-d", "d1");
        send("target-d", "d2");
        send("target-e", "e1");

        // d2 waits for d1, holding the second slot meanwhile, so e1 waits too.
        await().atMost(WAIT).until(() -> STARTED.contains("d1"));
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> !STARTED.contains("d2") && !STARTED.contains("e1"));

        gate("d1").countDown();
        await().atMost(WAIT).until(() -> STARTED.containsAll(Set.of("d2", "e1")));
        assertThat(ENDED).contains("d1").doesNotContain("d2", "e1");
    }

    @Test
    void anOffsetIsCommittedOnlyOnceEveryEarlierRecordOfItsPartitionHasEnded() throws Exception {
        RecordMetadata first = send("target-f", "f1");
        RecordMetadata second = send("target-g", "g1");
        await().atMost(WAIT).until(() -> STARTED.containsAll(Set.of("f1", "g1")));

        gate("g1").countDown();
        await().atMost(WAIT).until(() -> ENDED.contains("g1"));
        // g1 has ended, but f1 before it runs: a worker dying now must leave f1 to the next one.
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> committed() <= first.offset());

        gate("f1").countDown();
        await().atMost(WAIT).until(() -> committed() == second.offset() + 1);
    }

    private static CountDownLatch gate(String value) {
        return GATES.computeIfAbsent(value, v -> new CountDownLatch(1));
    }

    private static RecordMetadata send(String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(LocalKafka.shared().clientProperties(LocalKafka.ADMIN),
                new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(TOPIC, key, value)).get();
        }
    }

    /** The group's committed offset on the partition, -1 for none. */
    private static long committed() throws Exception {
        try (Admin admin = Admin.create(LocalKafka.shared().clientProperties(LocalKafka.ADMIN))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(TOPIC, 0));
            return offset == null ? -1 : offset.offset();
        }
    }
}
