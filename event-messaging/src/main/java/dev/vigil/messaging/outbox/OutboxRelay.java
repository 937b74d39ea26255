package dev.vigil.messaging.outbox;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.messaging.EventPublisher;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

/**
 * Publishes committed outbox rows in id order and marks them published, on one background thread
 * woken after each commit and at least every poll interval. Rows are locked with
 * {@code for update skip locked}, so several instances of a service can relay side by side.
 *
 * <p>Failures are told apart. One that is not the row's own (the broker unreachable or timing out,
 * the service not authorized: a Kafka retriable, authentication or authorization error) stops the
 * pass, and the rows are tried again on the next one; nothing counts against them. One that is the
 * row's own (e.g. a record larger than the producer's {@code max.request.size}) counts an attempt and
 * the row waits a growing backoff, the rows behind it of the same topic and key waiting too (their
 * order is kept) while other keys go on. After {@code maxAttempts} the row moves to
 * {@code outbox_dead_letter}, an ERROR names its event type, key and the reason (never the payload),
 * the counter {@code vigil.outbox.dead.letters} counts it, and the rows behind it are published.
 * Published rows are deleted once older than {@code keepPublished}, in batches.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;
    private static final int PRUNE_BATCH = 1000;
    private static final int MAX_ERROR_LENGTH = 2000;

    /** The dead-letter counter; tags {@code topic} and {@code event_type}. */
    public static final String DEAD_LETTERS = "vigil.outbox.dead.letters";

    private record Row(long id, String topic, String key, String eventType, byte[] payload, String traceHeaders, int attempts) {
    }

    private record DeadLetter(Row row, int attempts, String error) {
    }

    /** What one pass over a batch did. */
    private record Pass(int rows, int settled, List<DeadLetter> deadLetters, RuntimeException stoppedBy) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final EventPublisher publisher;
    private final Tracer tracer;
    private final Propagator propagator;
    private final OutboxProperties settings;
    private final MeterRegistry meters;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;
    private long lastPrune = System.nanoTime();

    OutboxRelay(JdbcClient jdbc, TransactionTemplate transactions, EventPublisher publisher, Tracer tracer,
            Propagator propagator, OutboxProperties settings, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.publisher = publisher;
        this.tracer = tracer;
        this.propagator = propagator;
        this.settings = settings;
        this.meters = meters;
    }

    void wakeUp() {
        wake.release();
    }

    /**
     * Publishes everything committed so far that is due; returns how many rows were published. A row
     * that failed on its own is settled for this pass (it waits, or is dead-lettered); a failure that is
     * not the row's own is thrown, after what was published before it is recorded.
     */
    public int relayPending() {
        int total = 0;
        while (true) {
            Pass pass = transactions.execute(status -> publishBatch());
            if (pass == null) {
                return total;
            }
            total += pass.settled() - pass.deadLetters().size();
            pass.deadLetters().forEach(this::announce);
            if (pass.stoppedBy() != null) {
                throw pass.stoppedBy();
            }
            // A batch that made no progress (every row waiting behind a failed one) ends the pass.
            if (pass.rows() < BATCH || pass.settled() == 0) {
                return total;
            }
        }
    }

    private Pass publishBatch() {
        // Due rows, none of them behind an earlier row of its topic and key that waits after a failure.
        List<Row> rows = jdbc.sql("""
                select o.id, o.topic, o.message_key, o.event_type, o.payload, o.trace_headers::text, o.attempts from outbox o
                where o.published_at is null and (o.next_attempt_at is null or o.next_attempt_at <= now())
                  and not exists (select 1 from outbox w where w.published_at is null and w.topic = o.topic
                                  and w.message_key = o.message_key and w.id < o.id and w.next_attempt_at > now())
                order by o.id limit ? for update of o skip locked""")
                .param(BATCH)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBytes(5),
                        rs.getString(6), rs.getInt(7)))
                .list();
        Set<String> blocked = new HashSet<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        int settled = 0;
        for (Row row : rows) {
            String orderKey = row.topic() + '\u0000' + row.key();
            if (blocked.contains(orderKey)) {
                continue;
            }
            try {
                publish(row);
            } catch (RuntimeException e) {
                if (!isTheRowsOwn(e)) {
                    return new Pass(rows.size(), settled, deadLetters, e);
                }
                settled++;
                String error = reason(e);
                int attempts = row.attempts() + 1;
                if (attempts >= settings.maxAttempts()) {
                    deadLetter(row, attempts, error);
                    deadLetters.add(new DeadLetter(row, attempts, error));
                } else {
                    blocked.add(orderKey);
                    retryLater(row, attempts, error);
                }
                continue;
            }
            jdbc.sql("update outbox set published_at = now() where id = ?").param(row.id()).update();
            settled++;
        }
        return new Pass(rows.size(), settled, deadLetters, null);
    }

    private void retryLater(Row row, int attempts, String error) {
        Duration backoff = backoff(attempts);
        jdbc.sql("""
                update outbox set attempts = ?, last_error = ?, first_failed_at = coalesce(first_failed_at, now()), last_failed_at = now(),
                       next_attempt_at = now() + make_interval(secs => ?) where id = ?""")
                .params(attempts, error, backoff.toMillis() / 1000.0, row.id())
                .update();
        log.warn("outbox could not publish {} (key {}, topic {}), attempt {} of {}; tried again in {}, later events of the key wait: {}",
                row.eventType(), row.key(), row.topic(), attempts, settings.maxAttempts(), backoff, error);
    }

    /** The wait after the given number of failed attempts: the initial backoff, doubled per further attempt, at most the max. */
    Duration backoff(int attempts) {
        return Duration.ofMillis(IntervalFunction.ofExponentialBackoff(settings.initialBackoff(), 2.0, settings.maxBackoff()).apply(attempts));
    }

    private void deadLetter(Row row, int attempts, String error) {
        jdbc.sql("""
                insert into outbox_dead_letter (id, topic, message_key, event_type, payload, trace_headers, created_at, attempts, error,
                                                first_failed_at, last_failed_at)
                select id, topic, message_key, event_type, payload, trace_headers, created_at, ?, ?, coalesce(first_failed_at, now()), now()
                from outbox where id = ?""")
                .params(attempts, error, row.id())
                .update();
        jdbc.sql("delete from outbox where id = ?").param(row.id()).update();
    }

    private void announce(DeadLetter dead) {
        Row row = dead.row();
        log.error("outbox gave up on {} (key {}, topic {}, outbox id {}) after {} attempt(s) and moved it to outbox_dead_letter; "
                        + "later events are published. Reason: {}", row.eventType(), row.key(), row.topic(), row.id(), dead.attempts(),
                dead.error());
        Counter.builder(DEAD_LETTERS)
                .description("Outbox rows that could not be published and were moved to outbox_dead_letter")
                .tag("topic", row.topic())
                .tag("event_type", row.eventType())
                .register(meters)
                .increment();
    }

    /**
     * Whether a failure is the row's own: anything but an error that would fail every row alike (the
     * broker unreachable or busy, credentials or ACLs missing), which must not use up rows' attempts.
     */
    static boolean isTheRowsOwn(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RetriableException || cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
                return false;
            }
        }
        return true;
    }

    /** The innermost cause, class and message: what an operator needs, never the payload (the binder's own message may show it). */
    static String reason(Throwable failure) {
        Throwable root = NestedExceptionUtils.getMostSpecificCause(failure);
        String text = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) + "…" : text;
    }

    private void publish(Row row) {
        Map<String, String> trace = EventJson.mapper().readValue(row.traceHeaders(), new TypeReference<Map<String, String>>() {
        });
        Span span = (trace.isEmpty() ? tracer.nextSpan() : propagator.extract(trace, Map::get).start()).name("outbox publish " + row.eventType());
        try (Tracer.SpanInScope scope = tracer.withSpan(span.start())) {
            if (row.payload() == null) {
                publisher.tombstone(row.topic(), row.key());
            } else {
                publisher.send(row.topic(), row.key(), row.eventType(), row.payload(), Map.of());
            }
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Deletes published rows older than {@code keepPublished}, in batches; returns how many. */
    public int prunePublished() {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.sql("""
                    delete from outbox where id in (select id from outbox
                    where published_at is not null and published_at < now() - make_interval(secs => ?) limit ?)""")
                    .params(settings.keepPublished().toMillis() / 1000.0, PRUNE_BATCH)
                    .update();
            total += deleted;
        } while (deleted == PRUNE_BATCH && running);
        if (total > 0) {
            log.info("outbox pruned {} published row(s) older than {}", total, settings.keepPublished());
        }
        return total;
    }

    private void loop() {
        while (running) {
            try {
                relayPending();
            } catch (RuntimeException e) {
                log.warn("outbox relay could not publish, will retry: {}", reason(e));
            }
            if (System.nanoTime() - lastPrune >= settings.pruneInterval().toNanos()) {
                lastPrune = System.nanoTime();
                try {
                    prunePublished();
                } catch (RuntimeException e) {
                    log.warn("outbox could not prune published rows, will retry in {}: {}", settings.pruneInterval(), e.getMessage());
                }
            }
            try {
                wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("outbox-relay").daemon().start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // After the bindings start (so sends have a binder), before they stop.
        return Integer.MAX_VALUE - 1000;
    }
}
