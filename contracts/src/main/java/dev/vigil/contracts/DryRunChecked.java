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
 * One service's part of a dry run ({@link BackupRequested#dryRun()}): each check it ran, passed or not,
 * with what it found or what to fix. The dump worker answers first (stage DUMP: connection, pg_dump,
 * privileges, size, staging, encryption, and the source's extensions); the storage service (STORE: a
 * probe object written to and removed from every destination) and the verifier (VERIFY: the
 * verification server, its version and the extensions the source uses) answer the worker's. No
 * artifact is made and nothing is stored or retained.
 */
@JsonClassDescription("One service's part of a dry run: each check it ran, passed or not, with what it found or what to fix. Keyed by targetId.")
public record DryRunChecked(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        JobId jobId,
        TargetId targetId,
        @JsonPropertyDescription("Whose part: DUMP (the dump worker), STORE (the storage service) or VERIFY (the verifier)") Stage stage,
        @JsonPropertyDescription("Each check in the order it ran; a check not run is not passed and its detail says why")
        @MaxItems(EventLimits.CHECKS) List<CheckResult> checks,
        @JsonPropertyDescription("The source's PostgreSQL version, when the worker reached it") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Nullable String serverVersion,
        @JsonPropertyDescription("The estimated size of what a dump would read, uncompressed, in bytes, when the worker could read it")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long estimatedBytes,
        @JsonPropertyDescription("The extensions the source uses (stage DUMP), for the verification server's check")
        @JsonInclude(JsonInclude.Include.NON_NULL) @MaxItems(EventLimits.EXTENSIONS) @Nullable List<SourceExtension> extensions) implements JobEvent {

    public static final int SCHEMA_VERSION = 1;

    public DryRunChecked {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(stage, "stage");
        checks = Events.atMost(Events.required(checks, "checks"), EventLimits.CHECKS, "checks");
        extensions = Events.atMost(extensions, EventLimits.EXTENSIONS, "extensions");
        if (estimatedBytes != null && estimatedBytes < 0) {
            throw new IllegalArgumentException("estimatedBytes must not be negative, got: " + estimatedBytes);
        }
    }

    /** The dump worker's part, which the storage and verification services answer. */
    public static DryRunChecked dump(JobId jobId, TargetId targetId, List<CheckResult> checks, @Nullable String serverVersion,
            @Nullable Long estimatedBytes, List<SourceExtension> extensions) {
        return new DryRunChecked(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, Stage.DUMP, checks, serverVersion,
                estimatedBytes, List.copyOf(extensions));
    }

    /** The storage service's (STORE) or the verifier's (VERIFY) answer to the worker's part. */
    public static DryRunChecked answer(DryRunChecked dump, Stage stage, List<CheckResult> checks) {
        if (stage != Stage.STORE && stage != Stage.VERIFY) {
            throw new IllegalArgumentException("an answer to the worker's part is STORE or VERIFY, not " + stage);
        }
        return new DryRunChecked(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, dump.jobId(), dump.targetId(), stage, checks, null, null, null);
    }

    /** Whether this is the dump worker's part, which the storage service and the verifier answer (their own answers on the topic are not for them). */
    public boolean workersPart() {
        return stage == Stage.DUMP;
    }

    /** Whether every check passed. */
    public boolean passed() {
        return checks.stream().allMatch(CheckResult::passed);
    }

    /** The extensions the source uses; none when not reported. */
    public List<SourceExtension> extensionList() {
        return extensions == null ? List.of() : extensions;
    }
}
