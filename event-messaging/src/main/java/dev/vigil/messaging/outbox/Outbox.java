package dev.vigil.messaging.outbox;

import dev.vigil.contracts.Topics;
import dev.vigil.contracts.TargetEvent;
import dev.vigil.contracts.json.EventJson;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Appends events to the outbox table inside the caller's transaction. Must be called within a
 * transaction: the point is that the event commits or rolls back with the state it announces.
 */
public class Outbox {

    private final JdbcClient jdbc;
    private final Tracer tracer;
    private final Propagator propagator;
    private final OutboxRelay relay;

    Outbox(JdbcClient jdbc, Tracer tracer, Propagator propagator, OutboxRelay relay) {
        this.jdbc = jdbc;
        this.tracer = tracer;
        this.propagator = propagator;
        this.relay = relay;
    }

    /** Appends an event about a target, to its topic, keyed by the target's id. */
    public void append(TargetEvent event) {
        append(event.targetId().value(), event);
    }

    /**
     * Appends a tombstone for {@code key} on a compacted topic: once relayed, its readers forget the
     * key (e.g. a revoked access token).
     */
    public void withdraw(String topic, String key) {
        requireTransaction();
        jdbc.sql("insert into outbox (topic, message_key, event_type, payload) values (?, ?, 'tombstone', null)")
                .params(topic, key).update();
        wakeUpAfterCommit();
    }

    /** Appends a contract event to its topic ({@link Topics#of}) under the given Kafka key. */
    public void append(String key, Object event) {
        requireTransaction();
        Map<String, String> trace = new LinkedHashMap<>();
        if (tracer.currentTraceContext().context() != null) {
            propagator.inject(tracer.currentTraceContext().context(), trace, Map::put);
        }
        jdbc.sql("insert into outbox (topic, message_key, event_type, payload, trace_headers) values (?, ?, ?, ?, cast(? as jsonb))")
                .params(Topics.of(event.getClass()), key, event.getClass().getSimpleName(),
                        EventJson.write(event), EventJson.writeString(trace))
                .update();
        wakeUpAfterCommit();
    }

    private static void requireTransaction() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the outbox needs a transaction, or the event could outlive a rolled-back change");
        }
    }

    private void wakeUpAfterCommit() {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        });
    }
}
