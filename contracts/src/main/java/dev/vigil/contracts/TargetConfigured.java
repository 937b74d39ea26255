package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The scheduler's current settings for one target, published to a compacted topic keyed by the
 * target id, so dump workers know how to reach every target without reading the scheduler's tables.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("The current settings of one target, on a compacted topic keyed by targetId. Never holds a secret.")
public record TargetConfigured(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        TargetId targetId,
        Connection connection,
        @JsonPropertyDescription("What to dump (since v2); absent: everything, custom format") @Nullable DumpOptions dump,
        @JsonPropertyDescription("How many backups to keep (since v3); absent: the storage service's default policy")
        @Nullable RetentionPolicy retention,
        @JsonPropertyDescription("Checks of the target's own, run against every restored backup (since v4); absent: none")
        @MaxItems(EventLimits.CHECKS) @Nullable List<SqlCheck> checks,
        @JsonPropertyDescription("Labels set on the target, e.g. team: payments, by which alert subscriptions choose targets (since v6); "
                + "absent: none")
        @Nullable Map<String, String> labels,
        @JsonPropertyDescription("How the notifier watches the target: freshness limit, anomaly thresholds (since v6); absent: its defaults")
        @Nullable Monitoring monitoring) implements TargetEvent {

    /**
     * 2: what to dump of the target. 3: how many of its backups to keep. 4: its own checks. 5: TLS
     * ({@code connection.sslmode, sslrootcert}). 6: labels and monitoring.
     */
    public static final int SCHEMA_VERSION = 6;

    public TargetConfigured {
        Events.required(eventId, "eventId");
        Events.required(occurredAt, "occurredAt");
        Events.required(targetId, "targetId");
        Events.required(connection, "connection");
        checks = Events.atMost(checks, EventLimits.CHECKS, "checks");
        labels = Labels.checked(labels);
    }

    public static TargetConfigured now(TargetId targetId, Connection connection, DumpOptions dump, @Nullable RetentionPolicy retention,
            List<SqlCheck> checks, Map<String, String> labels, @Nullable Monitoring monitoring) {
        return new TargetConfigured(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, targetId, connection, dump, retention,
                checks.isEmpty() ? null : List.copyOf(checks), labels.isEmpty() ? null : labels, monitoring);
    }

    public static TargetConfigured now(TargetId targetId, Connection connection, DumpOptions dump, @Nullable RetentionPolicy retention,
            List<SqlCheck> checks) {
        return now(targetId, connection, dump, retention, checks, Map.of(), null);
    }

    public static TargetConfigured now(TargetId targetId, Connection connection, DumpOptions dump, @Nullable RetentionPolicy retention) {
        return now(targetId, connection, dump, retention, List.of());
    }

    /** The target's own checks; none for an event before version 4. */
    public List<SqlCheck> checkList() {
        return checks == null ? List.of() : checks;
    }

    /** The target's labels; none for an event before version 6. */
    public Map<String, String> labelMap() {
        return labels == null ? Map.of() : labels;
    }

    /** How to watch the target; every default for an event before version 6. */
    public Monitoring monitoringSettings() {
        return monitoring == null ? Monitoring.DEFAULTS : monitoring;
    }

    public static TargetConfigured now(TargetId targetId, Connection connection, DumpOptions dump) {
        return now(targetId, connection, dump, null);
    }

    public static TargetConfigured now(TargetId targetId, Connection connection) {
        return now(targetId, connection, DumpOptions.defaults());
    }

    /** The options to dump with: those given, or the defaults for a version 1 event. */
    public DumpOptions dumpOptions() {
        return dump == null ? DumpOptions.defaults() : dump;
    }
}
