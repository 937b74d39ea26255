package dev.vigil.contracts;

import java.time.Instant;
import java.util.UUID;

/** What every lifecycle event of a backup job carries. */
public interface VigilEvent {

    UUID eventId();

    Instant occurredAt();

    int schemaVersion();

    JobId jobId();

    TargetId targetId();
}
