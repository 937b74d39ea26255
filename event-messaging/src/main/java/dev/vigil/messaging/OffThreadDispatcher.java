package dev.vigil.messaging;

import io.micrometer.context.ContextSnapshotFactory;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;
import org.springframework.cloud.stream.binder.kafka.KafkaListenerContainerCustomizer;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * Runs long work (a dump, a restore) off the consumer thread, so it may last far longer than the
 * consumer's {@code max.poll.interval.ms} without a rebalance or a second run. The consumer that
 * delivered a record is paused (it keeps polling, so it stays in the group, but takes no more
 * records) until the work has ended; only then is the record's offset committed and the consumer
 * resumed. So each consumer thread runs at most one piece of work, one partition's records run one
 * after another, and an instance that dies mid-work has committed nothing: the record is delivered
 * to another instance. An instance that loses the partition of running work (a rebalance, a
 * shutdown) cancels it at once, so the next owner's run never overlaps it.
 *
 * <p>It is also the binder's container customizer and rebalance listener (one per application, so
 * one dispatcher serves every topic whose work runs this way): each such topic's binding must use
 * {@code ackMode: MANUAL} and {@code max.poll.records: 1}.
 */
public final class OffThreadDispatcher implements KafkaListenerContainerCustomizer, KafkaBindingRebalanceListener, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OffThreadDispatcher.class);

    /** Work that announces its own outcome; it ends by returning, or by throwing when cancelled. */
    @FunctionalInterface
    public interface Work {
        void run(Cancellation cancellation) throws InterruptedException;
    }

    /** Binding name by topic. */
    private final Map<String, String> bindings;
    private final ExecutorService threads;
    private final ContextSnapshotFactory traceContext = ContextSnapshotFactory.builder().build();
    private final Map<TopicPartition, Running> running = new ConcurrentHashMap<>();
    private final Map<String, AbstractMessageListenerContainer<?, ?>> containers = new ConcurrentHashMap<>();

    /**
     * @param topic       the topic whose records it runs
     * @param binding     the binding's name, for messages (e.g. {@code dump-in-0})
     * @param threadName  prefix of the work threads' names
     */
    public OffThreadDispatcher(String topic, String binding, String threadName) {
        this(Map.of(topic, binding), threadName);
    }

    /**
     * @param bindings    the topics whose records it runs, each with its binding's name
     * @param threadName  prefix of the work threads' names
     */
    public OffThreadDispatcher(Map<String, String> bindings, String threadName) {
        this.bindings = Map.copyOf(bindings);
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name(threadName + "-", 1).factory());
    }

    /** Called by the binder for each consumer binding: remembers this topic's container, which must acknowledge manually. */
    @Override
    public void configure(AbstractMessageListenerContainer<?, ?> container, String destinationName, String group) {
        String binding = bindings.get(destinationName);
        if (binding == null) {
            return;
        }
        ContainerProperties.AckMode ackMode = container.getContainerProperties().getAckMode();
        if (ackMode != ContainerProperties.AckMode.MANUAL) {
            throw new IllegalStateException("the " + binding + " binding must acknowledge manually (a record is committed only when its work "
                    + "has ended), but its ackMode is " + ackMode + "; remove the override of spring.cloud.stream.kafka.bindings." + binding
                    + ".consumer.ackMode");
        }
        containers.put(destinationName, container);
    }

    /**
     * On the consumer thread: pauses this consumer and hands {@code work} to a thread of its own.
     * Read the record before calling this, so a malformed one throws here and lands in the dead-letter topic.
     */
    public void dispatch(Message<?> message, String description, Work work) {
        Acknowledgment acknowledgment = message.getHeaders().get(KafkaHeaders.ACKNOWLEDGMENT, Acknowledgment.class);
        Integer partitionNumber = message.getHeaders().get(KafkaHeaders.RECEIVED_PARTITION, Integer.class);
        if (acknowledgment == null || partitionNumber == null) {
            throw new IllegalStateException("a record arrived without its Kafka acknowledgment or partition; the " + bindings.values()
                    + " binding(s) must acknowledge manually");
        }
        TopicPartition partition = new TopicPartition(IncomingEvent.topic(message), partitionNumber);
        MessageListenerContainer consumer = consumerOf(partition);
        consumer.pause();
        Running run = new Running(description, partition, consumer, acknowledgment, new Cancellation());
        running.put(partition, run);
        // The work's events continue the record's trace.
        run.future = threads.submit(traceContext.captureAll().wrap(() -> run(run, work)));
    }

    private void run(Running run, Work work) {
        try {
            work.run(run.cancellation);
            run.acknowledgment.acknowledge();
        } catch (CancellationException | InterruptedException e) {
            log.info("{} stopped: this instance no longer holds its record, which is delivered again", run.description);
        } catch (RuntimeException e) {
            log.error("{} failed unexpectedly and could not be reported; the record stays uncommitted", run.description, e);
        } finally {
            running.remove(run.partition, run);
            run.consumer.resume();
        }
    }

    /** On the consumer thread, before the partitions go to another consumer: their running work stops. */
    @Override
    public void onPartitionsRevokedBeforeCommit(String bindingName, Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> {
            Running run = running.get(partition);
            if (run != null) {
                log.info("partition {} of running work ({}) was revoked; stopping it", partition, run.description);
                run.cancel();
            }
        });
    }

    /** Stops running work (its records stay uncommitted and are delivered again) and waits briefly for it to clean up. */
    @Override
    public void destroy() throws InterruptedException {
        running.values().forEach(Running::cancel);
        threads.shutdown();
        if (!threads.awaitTermination(15, TimeUnit.SECONDS)) {
            log.warn("running work did not stop within 15 s");
        }
    }

    /** The consumer (one per consumer thread) that owns {@code partition}. */
    private MessageListenerContainer consumerOf(TopicPartition partition) {
        String binding = bindings.getOrDefault(partition.topic(), partition.topic());
        AbstractMessageListenerContainer<?, ?> records = containers.get(partition.topic());
        if (records == null) {
            throw new IllegalStateException("the " + binding + " listener container was never configured");
        }
        if (records instanceof ConcurrentMessageListenerContainer<?, ?> concurrent) {
            for (MessageListenerContainer child : concurrent.getContainers()) {
                Collection<TopicPartition> assigned = child.getAssignedPartitions();
                if (assigned != null && assigned.contains(partition)) {
                    return child;
                }
            }
            throw new IllegalStateException("no consumer of " + binding + " holds " + partition);
        }
        return records;
    }

    private static final class Running {

        final String description;
        final TopicPartition partition;
        final MessageListenerContainer consumer;
        final Acknowledgment acknowledgment;
        final Cancellation cancellation;
        volatile Future<?> future;

        Running(String description, TopicPartition partition, MessageListenerContainer consumer, Acknowledgment acknowledgment,
                Cancellation cancellation) {
            this.description = description;
            this.partition = partition;
            this.consumer = consumer;
            this.acknowledgment = acknowledgment;
            this.cancellation = cancellation;
        }

        void cancel() {
            cancellation.cancel();
            Future<?> f = future;
            if (f != null) {
                f.cancel(true);
            }
        }
    }
}
