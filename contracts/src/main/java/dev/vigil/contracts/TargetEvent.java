package dev.vigil.contracts;

import java.time.Instant;
import java.util.UUID;

/** What every event about a target carries; keyed on Kafka by the target id. */
public interface TargetEvent {

    UUID eventId();

    Instant occurredAt();

    int schemaVersion();

    TargetId targetId();
}
