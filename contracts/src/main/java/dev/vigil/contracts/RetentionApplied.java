package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The storage service applied a target's retention policy: what it kept, what it deleted, and why. */
@JsonClassDescription("The storage service applied one target's retention policy: every stored backup it kept and every one it deleted, each with why.")
public record RetentionApplied(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        TargetId targetId,
        @JsonPropertyDescription("The policy applied") RetentionPolicy policy,
        @JsonPropertyDescription("Backups kept, newest first; at most 10,000 (then the newest)") @MaxItems(EventLimits.RETAINED_BACKUPS)
        List<RetainedBackup> kept,
        @JsonPropertyDescription("Backups deleted from every destination, newest first; at most 10,000 (then the newest; every deletion is "
                + "also logged and recorded in the catalog)") @MaxItems(EventLimits.RETAINED_BACKUPS) List<RetainedBackup> deleted)
        implements TargetEvent {

    /** 2: each kept backup's Object Lock retain-until date, where the bucket has Object Lock. */
    public static final int SCHEMA_VERSION = 2;

    public RetentionApplied {
        Events.required(eventId, "eventId");
        Events.required(occurredAt, "occurredAt");
        Events.required(targetId, "targetId");
        Events.required(policy, "policy");
        kept = Events.atMost(Events.required(kept, "kept"), EventLimits.RETAINED_BACKUPS, "kept");
        deleted = Events.atMost(Events.required(deleted, "deleted"), EventLimits.RETAINED_BACKUPS, "deleted");
    }

    public static RetentionApplied now(TargetId targetId, RetentionPolicy policy, List<RetainedBackup> kept, List<RetainedBackup> deleted) {
        return new RetentionApplied(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, targetId, policy, newest(kept), newest(deleted));
    }

    /** The first (newest) {@link EventLimits#RETAINED_BACKUPS} of a list given newest first. */
    private static List<RetainedBackup> newest(List<RetainedBackup> newestFirst) {
        return newestFirst.size() <= EventLimits.RETAINED_BACKUPS ? newestFirst : newestFirst.subList(0, EventLimits.RETAINED_BACKUPS);
    }
}
