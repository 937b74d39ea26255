package dev.vigil.contracts.json;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire format of every Vigil event: UTF-8 JSON, ISO-8601 instants, unknown fields ignored so
 * that additive schema changes never break an older consumer, and a field added later may be
 * missing from an older producer's event. Required fields are enforced by the records themselves
 * (null checks) and by {@code @JsonProperty(required = true)} on numbers. Thread-safe.
 */
public final class EventJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private EventJson() {
    }

    /** The shared mapper, configured as the wire format requires. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object event) {
        return MAPPER.writeValueAsBytes(event);
    }

    public static String writeString(Object event) {
        return MAPPER.writeValueAsString(event);
    }

    /**
     * Reads an event, failing with a {@link MalformedEventException} that says what is wrong with
     * the payload (not JSON, a missing or invalid field) rather than a parser stack trace.
     */
    public static <T> T read(byte[] payload, Class<T> type) {
        try {
            return MAPPER.readValue(payload, type);
        } catch (JacksonException e) {
            throw new MalformedEventException(type.getSimpleName() + " is malformed: " + explain(e), e);
        }
    }

    private static String explain(JacksonException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
            return cause.getMessage();
        }
        return e.getOriginalMessage();
    }
}
