package dev.vigil.worker.dump;

import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.Topics;
import dev.vigil.messaging.IncomingEvent;
import dev.vigil.worker.WorkerProperties;
import io.micrometer.context.ContextSnapshotFactory;
import java.time.Duration;
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
 * Runs each dump off the consumer thread, so a dump may last far longer than the consumer's
 * {@code max.poll.interval.ms} without a rebalance or a second dump. The consumer that delivered a
 * request is paused (it keeps polling, so it stays in the group, but takes no more records) until
 * the dump has announced its outcome; only then is the request's offset committed and the consumer
 * resumed. So each consumer thread runs at most one dump, one target's requests (one partition) run
 * one after another, and a worker that dies mid-dump has committed nothing: the request is delivered
 * to another worker. A worker that loses the partition of a running dump (a rebalance, a shutdown)
 * stops that dump at once, so the next owner's dump never runs beside it.
 */
public final class DumpDispatcher implements KafkaListenerContainerCustomizer, KafkaBindingRebalanceListener, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DumpDispatcher.class);

    private final DumpService service;
    private final WorkerProperties.Retry retry;
    private final ExecutorService dumps = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("dump-", 1).factory());
    private final ContextSnapshotFactory traceContext = ContextSnapshotFactory.builder().build();
    private final Map<TopicPartition, Running> running = new ConcurrentHashMap<>();
    private volatile AbstractMessageListenerContainer<?, ?> container;

    public DumpDispatcher(DumpService service, WorkerProperties.Retry retry) {
        this.service = service;
        this.retry = retry;
    }

    /** Called by the binder for each consumer binding: remembers the requests' container, which must acknowledge manually. */
    @Override
    public void configure(AbstractMessageListenerContainer<?, ?> container, String destinationName, String group) {
        if (!Topics.BACKUP_REQUESTED.equals(destinationName)) {
            return;
        }
        ContainerProperties.AckMode ackMode = container.getContainerProperties().getAckMode();
        if (ackMode != ContainerProperties.AckMode.MANUAL) {
            throw new IllegalStateException("the dump-in-0 binding must acknowledge manually (a request is committed only when its dump has "
                    + "ended), but its ackMode is " + ackMode + "; remove the override of spring.cloud.stream.kafka.bindings.dump-in-0.consumer.ackMode");
        }
        this.container = container;
    }

    /**
     * On the consumer thread: reads the request (a malformed one throws, and lands in the dead-letter
     * topic), pauses this consumer and hands the dump to a thread of its own.
     */
    public void accept(Message<byte[]> message) {
        BackupRequested request = IncomingEvent.read(message, BackupRequested.class);
        Acknowledgment acknowledgment = message.getHeaders().get(KafkaHeaders.ACKNOWLEDGMENT, Acknowledgment.class);
        Integer partitionNumber = message.getHeaders().get(KafkaHeaders.RECEIVED_PARTITION, Integer.class);
        if (acknowledgment == null || partitionNumber == null) {
            throw new IllegalStateException("a request arrived without its Kafka acknowledgment or partition; the dump-in-0 binding must "
                    + "acknowledge manually");
        }
        TopicPartition partition = new TopicPartition(IncomingEvent.topic(message), partitionNumber);
        MessageListenerContainer consumer = consumerOf(partition);
        consumer.pause();
        Running dump = new Running(request, partition, consumer, acknowledgment, new Cancellation());
        running.put(partition, dump);
        // The dump's events continue the request's trace.
        dump.future = dumps.submit(traceContext.captureAll().wrap(() -> run(dump)));
    }

    private void run(Running dump) {
        BackupRequested request = dump.request;
        try {
            handleWithRetries(dump);
            dump.acknowledgment.acknowledge();
        } catch (CancellationException | InterruptedException e) {
            log.info("dump of job {} target {} stopped: this worker no longer holds its request, which is delivered again",
                    request.jobId(), request.targetId());
        } catch (RuntimeException e) {
            log.error("dump of job {} target {} failed unexpectedly and could not be reported; the request stays uncommitted", request.jobId(),
                    request.targetId(), e);
        } finally {
            running.remove(dump.partition, dump);
            dump.consumer.resume();
        }
    }

    /**
     * Classified failures are announced by the service itself; an unexpected error (the broker
     * unavailable while announcing, say) is tried again with backoff, and then reported as the job's failure.
     */
    private void handleWithRetries(Running dump) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                service.handle(dump.request, dump.cancellation);
                return;
            } catch (RuntimeException e) {
                if (e instanceof CancellationException || dump.cancellation.isCancelled()) {
                    throw new CancellationException("cancelled");
                }
                if (attempt >= retry.attempts()) {
                    service.reportUnexpected(dump.request, e);
                    return;
                }
                Duration wait = retry.backoffAfter(attempt);
                log.warn("dump of job {} target {} failed unexpectedly (attempt {} of {}), trying again in {} ms: {}", dump.request.jobId(),
                        dump.request.targetId(), attempt, retry.attempts(), wait.toMillis(), e.toString());
                Thread.sleep(wait.toMillis());
            }
        }
    }

    /** On the consumer thread, before the partitions go to another consumer: their running dumps stop. */
    @Override
    public void onPartitionsRevokedBeforeCommit(String bindingName, Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> {
            Running dump = running.get(partition);
            if (dump != null) {
                log.info("partition {} of running dump job {} was revoked; stopping the dump", partition, dump.request.jobId());
                dump.cancel();
            }
        });
    }

    /** Stops running dumps (their requests stay uncommitted and are delivered again) and waits briefly for them to clean up. */
    @Override
    public void destroy() throws InterruptedException {
        running.values().forEach(Running::cancel);
        dumps.shutdown();
        if (!dumps.awaitTermination(15, TimeUnit.SECONDS)) {
            log.warn("running dumps did not stop within 15 s");
        }
    }

    /** Dumps running now, for the actuator and tests. */
    public int runningDumps() {
        return running.size();
    }

    /** The consumer (one per consumer thread) that owns {@code partition}. */
    private MessageListenerContainer consumerOf(TopicPartition partition) {
        AbstractMessageListenerContainer<?, ?> requests = container;
        if (requests == null) {
            throw new IllegalStateException("the dump-in-0 listener container was never configured");
        }
        if (requests instanceof ConcurrentMessageListenerContainer<?, ?> concurrent) {
            for (MessageListenerContainer child : concurrent.getContainers()) {
                Collection<TopicPartition> assigned = child.getAssignedPartitions();
                if (assigned != null && assigned.contains(partition)) {
                    return child;
                }
            }
            throw new IllegalStateException("no consumer of dump-in-0 holds " + partition);
        }
        return requests;
    }

    private static final class Running {

        final BackupRequested request;
        final TopicPartition partition;
        final MessageListenerContainer consumer;
        final Acknowledgment acknowledgment;
        final Cancellation cancellation;
        volatile Future<?> future;

        Running(BackupRequested request, TopicPartition partition, MessageListenerContainer consumer, Acknowledgment acknowledgment,
                Cancellation cancellation) {
            this.request = request;
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
