package dev.vigil.messaging;

import io.micrometer.context.ContextSnapshotFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;
import org.springframework.cloud.stream.binder.kafka.KafkaListenerContainerCustomizer;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * Runs long work (a dump, a restore) off the consumer thread, so it may last far longer than the
 * consumer's {@code max.poll.interval.ms} without a rebalance or a second run, and runs up to a
 * binding's number of <em>slots</em> of it at once, whichever partitions the records come from.
 *
 * <p>One consumer per binding hands each record to a thread of its own and goes on polling while a
 * slot is free; with every slot taken it is paused (it keeps polling, so it stays in the group, but
 * takes no more records) until one frees. So a record never waits behind a busy partition while
 * this instance has a free slot. Records with the same key (one target's requests) still run one
 * after another: a record whose key is running waits in this instance, holding a slot, and starts
 * when the one before it ends.
 *
 * <p>A record's offset is committed only when its work and the work of every earlier record of its
 * partition in this instance have ended; so an instance that dies mid-work has committed nothing
 * that is not done, and the record is delivered to another instance. Work that ended after a
 * record still running in the same partition may be delivered again then (at least once). An
 * instance that loses the partition of running work (a rebalance, a shutdown) cancels it at once,
 * so the next owner's run never overlaps it.
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

    /**
     * A binding whose records run off the consumer thread.
     *
     * @param name  the binding's name, for messages (e.g. {@code dump-in-0})
     * @param slots how many of its records run at once in this instance, at least 1
     */
    public record Binding(String name, int slots) {
        public Binding {
            if (slots < 1) {
                throw new IllegalArgumentException("the " + name + " binding's work at once must be at least 1, not " + slots
                        + "; set the service's concurrency setting to 1 or more");
            }
        }
    }

    /** Binding by topic. */
    private final Map<String, Binding> bindings;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final ExecutorService threads;
    private final ContextSnapshotFactory traceContext = ContextSnapshotFactory.builder().build();

    /**
     * @param topic       the topic whose records it runs
     * @param binding     its binding
     * @param threadName  prefix of the work threads' names
     */
    public OffThreadDispatcher(String topic, Binding binding, String threadName) {
        this(Map.of(topic, binding), threadName);
    }

    /**
     * @param bindings    the topics whose records it runs, each with its binding
     * @param threadName  prefix of the work threads' names
     */
    public OffThreadDispatcher(Map<String, Binding> bindings, String threadName) {
        this.bindings = Map.copyOf(bindings);
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name(threadName + "-", 1).factory());
    }

    /** Called by the binder for each consumer binding: remembers this topic's container, which must acknowledge manually. */
    @Override
    public void configure(AbstractMessageListenerContainer<?, ?> container, String destinationName, String group) {
        Binding binding = bindings.get(destinationName);
        if (binding == null) {
            return;
        }
        ContainerProperties.AckMode ackMode = container.getContainerProperties().getAckMode();
        if (ackMode != ContainerProperties.AckMode.MANUAL) {
            throw new IllegalStateException("the " + binding.name() + " binding must acknowledge manually (a record is committed only when "
                    + "its work has ended), but its ackMode is " + ackMode + "; remove the override of spring.cloud.stream.kafka.bindings."
                    + binding.name() + ".consumer.ackMode");
        }
        lanes.put(destinationName, new Lane(binding, container));
    }

    /**
     * On the consumer thread: hands {@code work} to a thread of its own (or holds it until the work of
     * the record before it with the same key has ended) and pauses the consumer when every slot is taken.
     * Read the record before calling this, so a malformed one throws here and lands in the dead-letter topic.
     */
    public void dispatch(Message<?> message, String description, Work work) {
        Acknowledgment acknowledgment = message.getHeaders().get(KafkaHeaders.ACKNOWLEDGMENT, Acknowledgment.class);
        Integer partitionNumber = message.getHeaders().get(KafkaHeaders.RECEIVED_PARTITION, Integer.class);
        Long offset = message.getHeaders().get(KafkaHeaders.OFFSET, Long.class);
        if (acknowledgment == null || partitionNumber == null || offset == null) {
            throw new IllegalStateException("a record arrived without its Kafka acknowledgment, partition or offset; the "
                    + bindings.values().stream().map(Binding::name).toList() + " binding(s) must acknowledge manually");
        }
        String topic = IncomingEvent.topic(message);
        Lane lane = lanes.get(topic);
        if (lane == null) {
            throw new IllegalStateException("the listener container of " + topic + " was never configured");
        }
        Object key = keyOf(message.getHeaders().get(KafkaHeaders.RECEIVED_KEY));
        lane.dispatch(new Running(description, new TopicPartition(topic, partitionNumber), offset, key, acknowledgment, work,
                new Cancellation()));
    }

    /** On the consumer thread, before the partitions go to another consumer: their running work stops, their held records are dropped. */
    @Override
    public void onPartitionsRevokedBeforeCommit(String bindingName, Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<String, List<TopicPartition>> byTopic = partitions.stream().collect(Collectors.groupingBy(TopicPartition::topic));
        byTopic.forEach((topic, revoked) -> {
            Lane lane = lanes.get(topic);
            if (lane != null) {
                lane.revoke(revoked);
            }
        });
    }

    /** Stops running work (its records stay uncommitted and are delivered again) and waits briefly for it to clean up. */
    @Override
    public void destroy() throws InterruptedException {
        lanes.values().forEach(Lane::cancelAll);
        threads.shutdown();
        if (!threads.awaitTermination(15, TimeUnit.SECONDS)) {
            log.warn("running work did not stop within 15 s");
        }
    }

    /** What records that run one after another share: their key; a record without one waits for no other. */
    private static Object keyOf(Object key) {
        if (key == null) {
            return new Object();
        }
        return key instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : key;
    }

    /** One binding's records in this instance: what runs, what waits for its key, and what is not yet committed. */
    private final class Lane {

        final Binding binding;
        final AbstractMessageListenerContainer<?, ?> container;
        /** Dispatched records not yet committed, by partition and offset: running, held, or ended behind an earlier one. */
        final Map<TopicPartition, TreeMap<Long, Running>> uncommitted = new HashMap<>();
        /** Records waiting for the running record with their key. */
        final Map<Object, Queue<Running>> held = new HashMap<>();
        final Set<Object> keysRunning = new HashSet<>();
        /** Slots taken: records running or held. */
        int taken;

        Lane(Binding binding, AbstractMessageListenerContainer<?, ?> container) {
            this.binding = binding;
            this.container = container;
        }

        synchronized void dispatch(Running run) {
            uncommitted.computeIfAbsent(run.partition, p -> new TreeMap<>()).put(run.offset, run);
            taken++;
            if (keysRunning.add(run.key)) {
                start(run);
            } else {
                held.computeIfAbsent(run.key, k -> new ArrayDeque<>()).add(run);
                log.info("{} waits for the running work of the same key ({})", run.description, run.key);
            }
            if (taken >= binding.slots()) {
                container.pause();
            }
        }

        private void start(Running run) {
            // The work's events continue the record's trace.
            run.future = threads.submit(traceContext.captureAll().wrap(() -> run(run)));
        }

        private void run(Running run) {
            boolean ended = false;
            try {
                run.work.run(run.cancellation);
                ended = true;
            } catch (CancellationException | InterruptedException e) {
                log.info("{} stopped: this instance no longer holds its record, which is delivered again", run.description);
            } catch (RuntimeException e) {
                // Not run again by this instance: holding its offset back would hold back every later record of the partition.
                ended = true;
                log.error("{} failed unexpectedly and could not be reported; its record is not run again", run.description, e);
            } finally {
                ended(run, ended);
            }
        }

        synchronized void ended(Running run, boolean done) {
            taken--;
            Queue<Running> next = held.get(run.key);
            Running successor = next == null ? null : next.poll();
            if (next != null && next.isEmpty()) {
                held.remove(run.key);
            }
            if (successor != null) {
                start(successor);
            } else {
                keysRunning.remove(run.key);
            }
            TreeMap<Long, Running> partition = uncommitted.get(run.partition);
            if (done && partition != null && partition.get(run.offset) == run) {
                run.done = true;
                commitEnded(partition);
            }
            if (taken < binding.slots()) {
                container.resume();
            }
        }

        /** Acknowledges the last of the partition's leading ended records: its offset commits them all. */
        private void commitEnded(TreeMap<Long, Running> partition) {
            Running last = null;
            while (!partition.isEmpty() && partition.firstEntry().getValue().done) {
                last = partition.pollFirstEntry().getValue();
            }
            if (last != null) {
                last.acknowledgment.acknowledge();
            }
        }

        synchronized void revoke(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                TreeMap<Long, Running> records = uncommitted.remove(partition);
                if (records == null) {
                    continue;
                }
                for (Running run : records.values()) {
                    Queue<Running> waiting = held.get(run.key);
                    if (waiting != null && waiting.remove(run)) {
                        taken--;
                        if (waiting.isEmpty()) {
                            held.remove(run.key);
                        }
                    } else if (!run.done) {
                        log.info("partition {} of running work ({}) was revoked; stopping it", partition, run.description);
                        run.cancel();
                    }
                }
            }
            if (taken < binding.slots()) {
                container.resume();
            }
        }

        synchronized void cancelAll() {
            held.clear();
            uncommitted.values().forEach(records -> records.values().forEach(Running::cancel));
        }
    }

    private static final class Running {

        final String description;
        final TopicPartition partition;
        final long offset;
        final Object key;
        final Acknowledgment acknowledgment;
        final Work work;
        final Cancellation cancellation;
        volatile Future<?> future;
        /** Its work has ended; it is committed once every earlier record of its partition has. */
        boolean done;

        Running(String description, TopicPartition partition, long offset, Object key, Acknowledgment acknowledgment, Work work,
                Cancellation cancellation) {
            this.description = description;
            this.partition = partition;
            this.offset = offset;
            this.key = key;
            this.acknowledgment = acknowledgment;
            this.work = work;
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
