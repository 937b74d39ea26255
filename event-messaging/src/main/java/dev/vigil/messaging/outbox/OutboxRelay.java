package dev.vigil.messaging.outbox;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.messaging.EventPublisher;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

/**
 * Publishes committed outbox rows in id order and marks them published, on one background thread
 * woken after each commit and at least every {@code pollInterval}. Rows are locked with
 * {@code for update skip locked}, so several instances of a service can relay side by side. A row
 * that fails to publish stays unpublished and is retried on the next pass; nothing is dropped.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;

    private record Row(long id, String topic, String key, String eventType, byte[] payload, String traceHeaders) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final EventPublisher publisher;
    private final Tracer tracer;
    private final Propagator propagator;
    private final Duration pollInterval;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    OutboxRelay(JdbcClient jdbc, TransactionTemplate transactions, EventPublisher publisher, Tracer tracer,
            Propagator propagator, Duration pollInterval) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.publisher = publisher;
        this.tracer = tracer;
        this.propagator = propagator;
        this.pollInterval = pollInterval;
    }

    void wakeUp() {
        wake.release();
    }

    /** Publishes everything committed so far; returns how many rows were published. */
    public int relayPending() {
        int total = 0;
        int published;
        do {
            Integer count = transactions.execute(status -> publishBatch());
            published = count == null ? 0 : count;
            total += published;
        } while (published == BATCH);
        return total;
    }

    private int publishBatch() {
        List<Row> rows = jdbc.sql("""
                select id, topic, message_key, event_type, payload, trace_headers::text from outbox
                where published_at is null order by id limit ? for update skip locked""")
                .param(BATCH)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBytes(5), rs.getString(6)))
                .list();
        for (Row row : rows) {
            publish(row);
            jdbc.sql("update outbox set published_at = now() where id = ?").param(row.id()).update();
        }
        return rows.size();
    }

    private void publish(Row row) {
        Map<String, String> trace = EventJson.mapper().readValue(row.traceHeaders(), new TypeReference<Map<String, String>>() {
        });
        Span span = (trace.isEmpty() ? tracer.nextSpan() : propagator.extract(trace, Map::get).start()).name("outbox publish " + row.eventType());
        try (Tracer.SpanInScope scope = tracer.withSpan(span.start())) {
            publisher.send(row.topic(), row.key(), row.eventType(), row.payload(), Map.of());
        } finally {
            span.end();
        }
    }

    private void loop() {
        while (running) {
            try {
                relayPending();
            } catch (RuntimeException e) {
                log.warn("outbox relay could not publish, will retry: {}", e.getMessage());
            }
            try {
                wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
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
