package dev.vigil.messaging;

import dev.vigil.contracts.Topics;
import dev.vigil.contracts.TargetEvent;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.KafkaNull;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * Sends contract events to their topic, keyed by target id, as JSON. Sends are synchronous (the
 * binder's producers are configured {@code sync}), so a failed send throws here and is never lost
 * silently. The current trace context travels in the record headers. Thread-safe.
 */
public class EventPublisher {

    /** Header naming the event type, so tools can tell events apart without parsing them. */
    public static final String EVENT_TYPE_HEADER = "vigil_event_type";

    private final StreamBridge bridge;

    public EventPublisher(StreamBridge bridge) {
        this.bridge = bridge;
    }

    /** Sends an event to its topic, keyed by its target id. */
    public void publish(TargetEvent event) {
        send(Topics.of(event.getClass()), event.targetId().value(), event.getClass().getSimpleName(), EventJson.write(event), Map.of());
    }

    /**
     * Withdraws a target's settings: a tombstone (a record without a value) keyed by its id on the
     * compacted targets topic, so every reader forgets the target and compaction removes its settings.
     */
    public void withdraw(TargetId targetId) {
        tombstone(Topics.TARGETS, targetId.value());
    }

    /** Sends a tombstone (a record without a value) for {@code key} to a compacted topic. */
    public void tombstone(String topic, String key) {
        Message<KafkaNull> tombstone = MessageBuilder.withPayload(KafkaNull.INSTANCE)
                .setHeader(KafkaHeaders.KEY, key.getBytes(StandardCharsets.UTF_8))
                .build();
        if (!bridge.send(topic, tombstone)) {
            throw new IllegalStateException("the binder did not accept the tombstone of " + key + " for " + topic);
        }
    }

    /** Sends an already serialized event, e.g. from the outbox, with extra headers. */
    public void send(String topic, String key, String eventType, byte[] payload, Map<String, String> headers) {
        MessageBuilder<byte[]> builder = MessageBuilder.withPayload(payload)
                .setHeader(KafkaHeaders.KEY, key.getBytes(StandardCharsets.UTF_8))
                .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON_VALUE)
                .setHeader(EVENT_TYPE_HEADER, eventType);
        headers.forEach(builder::setHeader);
        Message<byte[]> message = builder.build();
        if (!bridge.send(topic, message)) {
            throw new IllegalStateException("the binder did not accept the " + eventType + " for " + topic);
        }
    }
}
