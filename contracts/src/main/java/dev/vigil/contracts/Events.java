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
