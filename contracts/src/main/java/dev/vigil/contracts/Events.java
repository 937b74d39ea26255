package dev.vigil.contracts;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** Checks shared by the event records' constructors. */
final class Events {

    private Events() {
    }

    static <T> T required(T value, String field) {
        return Objects.requireNonNull(value, () -> field + " is required");
    }

    /**
     * A copy of a list field, refused when it holds more than {@code cap} items: on reading, the
     * event is then malformed (and goes to the dead-letter topic); a null list stays null.
     */
    static <T> java.util.List<T> atMost(java.util.List<T> list, int cap, String field) {
        if (list == null) {
            return null;
        }
        if (list.size() > cap) {
            throw new IllegalArgumentException(field + " holds " + list.size() + " items, more than the " + cap + " an event may carry");
        }
        return java.util.List.copyOf(list);
    }

    /**
     * A text field that is absent when blank, refused when it holds more than {@code cap} characters
     * (code points, as JSON Schema's {@code maxLength} counts them): on reading, the event is then malformed.
     */
    static String text(String value, int cap, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        int length = value.codePointCount(0, value.length());
        if (length > cap) {
            throw new IllegalArgumentException(field + " holds " + length + " characters, more than the " + cap + " an event may carry");
        }
        return value;
    }

    static void header(UUID eventId, Instant occurredAt, int schemaVersion, JobId jobId, TargetId targetId) {
        required(eventId, "eventId");
        required(occurredAt, "occurredAt");
        required(jobId, "jobId");
        required(targetId, "targetId");
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion is required and must be at least 1, got: " + schemaVersion);
        }
    }
}
