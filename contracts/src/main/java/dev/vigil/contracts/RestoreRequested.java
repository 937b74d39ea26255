package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Someone asks for a stored backup to be restored into a named database. The verifier restores it,
 * compares what it restored with what the dump held, and answers with {@link RestoreCompleted}.
 */
@JsonClassDescription("Asks the verifier to restore a stored backup of a target into a named database; answered by RestoreCompleted "
        + "with the same restoreId. A database that holds anything is refused unless clean is true.")
public record RestoreRequested(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        @JsonPropertyDescription("The request's own id, chosen by the requester: RestoreCompleted carries it, and a request "
                + "delivered again with the same id is answered again, not restored twice") UUID restoreId,
        TargetId targetId,
        @JsonPropertyDescription("The backup (its job id) to restore; absent: the target's newest backup whose verification passed")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable JobId jobId,
        @JsonPropertyDescription("A restore server named in the verifier's settings (vigil.verifier.restore-servers); absent: the "
                + "verification server. Credentials stay with the verifier, never in the event")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String server,
        @JsonPropertyDescription("The database to restore into; created when it does not exist") String database,
        @JsonProperty(required = true) @JsonPropertyDescription("Drop and create the database first when it holds anything; "
                + "without it such a database is refused and left untouched") boolean clean,
        @JsonPropertyDescription("Restore only these schemas (exact names), everything in them; absent or empty: all")
        @JsonInclude(JsonInclude.Include.NON_EMPTY) @MaxItems(EventLimits.NAMES) @Nullable List<String> schemas,
        @JsonPropertyDescription("Restore only these tables, each as schema.table (exact names): their definitions and rows, as "
                + "pg_restore --table does (no indexes, constraints or triggers); absent or empty: all")
        @JsonInclude(JsonInclude.Include.NON_EMPTY) @MaxItems(EventLimits.NAMES) @Nullable List<String> tables,
        @JsonPropertyDescription("Who asked, free text for the audit trail (a team, a pipeline, a user); the verifier records it and "
                + "repeats it in RestoreCompleted (since v2)")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String requestedBy) implements TargetEvent {

    /** 2: requestedBy. */
    public static final int SCHEMA_VERSION = 2;

    public RestoreRequested {
        Events.required(eventId, "eventId");
        Events.required(occurredAt, "occurredAt");
        Events.required(restoreId, "restoreId");
        Events.required(targetId, "targetId");
        Events.required(database, "database");
        schemas = Events.atMost(schemas, EventLimits.NAMES, "schemas");
        tables = Events.atMost(tables, EventLimits.NAMES, "tables");
    }

    public static RestoreRequested now(UUID restoreId, TargetId targetId, @Nullable JobId jobId, @Nullable String server, String database,
            boolean clean, List<String> schemas, List<String> tables, @Nullable String requestedBy) {
        return new RestoreRequested(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, restoreId, targetId, jobId, server, database, clean,
                schemas, tables, requestedBy);
    }

    /** The schemas to restore; empty: all. */
    public List<String> schemaList() {
        return schemas == null ? List.of() : schemas;
    }

    /** The tables to restore, as schema.table; empty: all. */
    public List<String> tableList() {
        return tables == null ? List.of() : tables;
    }
}
