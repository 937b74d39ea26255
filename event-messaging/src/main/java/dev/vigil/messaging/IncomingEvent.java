package dev.vigil.messaging;

import dev.vigil.contracts.json.EventJson;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/** Reads contract events from consumed messages; a malformed payload throws a non-retryable error that lands in the DLQ. */
public final class IncomingEvent {

    private IncomingEvent() {
    }

    public static <T> T read(Message<byte[]> message, Class<T> type) {
        return EventJson.read(message.getPayload(), type);
    }

    /** The topic a consumed message came from. */
    public static String topic(Message<?> message) {
        Object topic = message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC);
        if (topic == null) {
            throw new IllegalStateException("message has no " + KafkaHeaders.RECEIVED_TOPIC + " header");
        }
        return topic.toString();
    }
}
