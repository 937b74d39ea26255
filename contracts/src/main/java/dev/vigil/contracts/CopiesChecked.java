package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The storage service checked every stored copy of one target's kept backups again at rest: each
 * read whole against the SHA-256 recorded when it was stored, and its Object Lock date where one was
 * set. Published once per target per run, problems or not; the notifier opens an incident per
 * problem.
 */
@JsonClassDescription("The storage service checked every stored copy (primary and replicas) of one target's kept backups again at rest: "
        + "each read whole against the SHA-256 recorded when it was stored, and its Object Lock retain-until date where one was set. "
        + "One per target per run; no problems means every copy checked is whole.")
public record CopiesChecked(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        TargetId targetId,
        @JsonProperty(required = true) @JsonPropertyDescription("Kept (not deleted) backups of the target whose copies were checked")
        int backupsChecked,
        @JsonProperty(required = true) @JsonPropertyDescription("Copies checked, over all those backups and their destinations")
        int copiesChecked,
        @JsonPropertyDescription("Every copy found wanting, newest backup first, the primary before its replicas; empty when all are whole. "
                + "At most 10,000 (then those of the newest backups; every problem is also logged and recorded in the storage catalog)")
        @MaxItems(EventLimits.COPY_PROBLEMS) List<CopyProblem> problems) implements TargetEvent {

    public static final int SCHEMA_VERSION = 1;

    public CopiesChecked {
        Events.required(eventId, "eventId");
        Events.required(occurredAt, "occurredAt");
        Events.required(targetId, "targetId");
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion is required and must be at least 1, got: " + schemaVersion);
        }
        if (backupsChecked < 0 || copiesChecked < 0) {
            throw new IllegalArgumentException("backupsChecked and copiesChecked must not be negative, got: " + backupsChecked + ", "
                    + copiesChecked);
        }
        problems = Events.atMost(Events.required(problems, "problems"), EventLimits.COPY_PROBLEMS, "problems");
    }

    /** A run's result for a target; problems given newest backup first, of which the first {@link EventLimits#COPY_PROBLEMS} are kept. */
    public static CopiesChecked now(TargetId targetId, int backupsChecked, int copiesChecked, List<CopyProblem> problems) {
        List<CopyProblem> listed = problems.size() <= EventLimits.COPY_PROBLEMS ? problems : problems.subList(0, EventLimits.COPY_PROBLEMS);
        return new CopiesChecked(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, targetId, backupsChecked, copiesChecked, listed);
    }
}
