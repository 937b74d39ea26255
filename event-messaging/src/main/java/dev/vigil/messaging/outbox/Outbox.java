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

    public void append(TargetEvent event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("Outbox.append needs a transaction, or the event could outlive a rolled-back change");
        }
        Map<String, String> trace = new LinkedHashMap<>();
        if (tracer.currentTraceContext().context() != null) {
            propagator.inject(tracer.currentTraceContext().context(), trace, Map::put);
        }
        jdbc.sql("insert into outbox (topic, message_key, event_type, payload, trace_headers) values (?, ?, ?, ?, cast(? as jsonb))")
                .params(Topics.of(event.getClass()), event.targetId().value(), event.getClass().getSimpleName(),
                        EventJson.write(event), EventJson.writeString(trace))
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        });
    }
}
