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
