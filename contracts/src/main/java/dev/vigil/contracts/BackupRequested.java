package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A backup of one target was asked for. Teams may publish this themselves. */
@JsonClassDescription("A backup of one target was asked for. Published by the scheduler (schedules, API) or by any team, keyed by targetId.")
public record BackupRequested(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        JobId jobId,
        TargetId targetId,
        @JsonPropertyDescription("SCHEDULE, CATCH_UP, API or EXTERNAL; never REGISTERED (a job registered for a dump made outside Vigil "
                + "publishes no request, so no worker takes it): an event naming it is malformed") Trigger trigger,
        @JsonPropertyDescription("Who asked, free text for the audit trail (a team, a pipeline, a user)") @Nullable String requestedBy,
        @JsonPropertyDescription("Why the backup was asked for, free text the job registry keeps and shows on the job (e.g. 'before the "
                + "billing migration'), at most maxLength characters: an event with a longer note is malformed; absent or blank: none (since v2)")
        @JsonInclude(JsonInclude.Include.NON_NULL) @MaxLength(EventLimits.NOTE) @Nullable String note,
        @JsonPropertyDescription("Check everything a backup needs short of running pg_dump, and report each check (DryRunChecked from the "
                + "worker, then the storage and verification services): no artifact is made, nothing is stored or retained (since v3); "
                + "absent: false, a real backup")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Boolean dryRun) implements JobEvent {

    /** 2: note. 3: dryRun. */
    public static final int SCHEMA_VERSION = 3;

    public BackupRequested {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(trigger, "trigger");
        if (trigger == Trigger.REGISTERED) {
            // Else a forged request could have a worker dump a job an outside runner reports too: two artifacts for one job.
            throw new IllegalArgumentException("trigger REGISTERED is not a request's: a job registered for a dump made outside Vigil is never "
                    + "requested from the workers");
        }
        note = Events.text(note, EventLimits.NOTE, "note");
        // Absent unless true, so a real backup request reads and writes as version 2 did.
        dryRun = Boolean.TRUE.equals(dryRun) ? Boolean.TRUE : null;
    }

    /** Whether this asks for a dry run rather than a backup. */
    public boolean dryRunAsked() {
        return dryRun != null;
    }

    /** A request without a note. */
    public static BackupRequested now(JobId jobId, TargetId targetId, Trigger trigger, @Nullable String requestedBy) {
        return now(jobId, targetId, trigger, requestedBy, null);
    }

    public static BackupRequested now(JobId jobId, TargetId targetId, Trigger trigger, @Nullable String requestedBy, @Nullable String note) {
        return new BackupRequested(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, trigger, requestedBy, note, false);
    }

    /** A dry run: every check short of pg_dump, no backup. */
    public static BackupRequested dryRun(JobId jobId, TargetId targetId, Trigger trigger, @Nullable String requestedBy, @Nullable String note) {
        return new BackupRequested(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, trigger, requestedBy, note, true);
    }
}
