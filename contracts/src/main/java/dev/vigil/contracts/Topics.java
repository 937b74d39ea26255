package dev.vigil.contracts;

import java.util.List;
import java.util.Map;

/**
 * The one place topic names are written. Service bindings name the same strings in YAML; a test in
 * each service checks them against this list, so a package rename can never move the wire.
 */
public final class Topics {

    public static final String BACKUP_REQUESTED = "vigil.backup.requested";
    public static final String DUMP_STARTED = "vigil.dump.started";
    public static final String DUMP_PROGRESSED = "vigil.dump.progressed";
    public static final String ARTIFACT_CREATED = "vigil.artifact.created";
    public static final String ARTIFACT_STORED = "vigil.artifact.stored";
    public static final String BACKUP_VERIFIED = "vigil.backup.verified";
    public static final String BACKUP_FAILED = "vigil.backup.failed";
    public static final String RETENTION_APPLIED = "vigil.retention.applied";
    public static final String COPIES_CHECKED = "vigil.copies.checked";
    public static final String RECHECK_REQUESTED = "vigil.recheck.requested";
    public static final String BACKUP_RECHECKED = "vigil.backup.rechecked";
    public static final String RESTORE_REQUESTED = "vigil.restore.requested";
    public static final String RESTORE_COMPLETED = "vigil.restore.completed";
    /** Each service's part of a dry run ({@link DryRunChecked}). */
    public static final String DRY_RUN_CHECKED = "vigil.dryrun.checked";
    /** Compacted: the latest {@link TargetConfigured} per target id. */
    public static final String TARGETS = "vigil.targets";

    /** Compacted: the latest {@link AccessGranted} per access token id; a tombstone revokes the token. */
    public static final String ACCESS_GRANTED = "vigil.access.granted";

    /** Every service's signed-in state-changing requests ({@link RequestAudited}), keyed by service; read by the scheduler. */
    public static final String REQUEST_AUDITED = "vigil.request.audited";

    private static final Map<Class<?>, String> BY_EVENT = Map.ofEntries(
            Map.entry(BackupRequested.class, BACKUP_REQUESTED),
            Map.entry(DumpStarted.class, DUMP_STARTED),
            Map.entry(DumpProgressed.class, DUMP_PROGRESSED),
            Map.entry(ArtifactCreated.class, ARTIFACT_CREATED),
            Map.entry(ArtifactStored.class, ARTIFACT_STORED),
            Map.entry(BackupVerified.class, BACKUP_VERIFIED),
            Map.entry(BackupFailed.class, BACKUP_FAILED),
            Map.entry(RetentionApplied.class, RETENTION_APPLIED),
            Map.entry(CopiesChecked.class, COPIES_CHECKED),
            Map.entry(RecheckRequested.class, RECHECK_REQUESTED),
            Map.entry(BackupRechecked.class, BACKUP_RECHECKED),
            Map.entry(RestoreRequested.class, RESTORE_REQUESTED),
            Map.entry(RestoreCompleted.class, RESTORE_COMPLETED),
            Map.entry(DryRunChecked.class, DRY_RUN_CHECKED),
            Map.entry(TargetConfigured.class, TARGETS),
            Map.entry(AccessGranted.class, ACCESS_GRANTED),
            Map.entry(RequestAudited.class, REQUEST_AUDITED));

    /** Every event type in the contracts, in pipeline order. */
    public static final List<Class<?>> EVENT_TYPES = List.of(
            BackupRequested.class, DumpStarted.class, DumpProgressed.class, ArtifactCreated.class, ArtifactStored.class,
            BackupVerified.class, BackupFailed.class, RetentionApplied.class, CopiesChecked.class, RecheckRequested.class,
            BackupRechecked.class, RestoreRequested.class, RestoreCompleted.class, DryRunChecked.class, TargetConfigured.class, AccessGranted.class,
            RequestAudited.class);

    public static final List<String> ALL = EVENT_TYPES.stream().map(BY_EVENT::get).toList();

    private Topics() {
    }

    /** The topic an event of this type is published to. */
    public static String of(Class<?> eventType) {
        String topic = BY_EVENT.get(eventType);
        if (topic == null) {
            throw new IllegalArgumentException(eventType.getName() + " is not a Vigil event");
        }
        return topic;
    }

    /** The dead-letter topic where a consumer group's unprocessable records from a topic land (the binder's convention). */
    public static String deadLetter(String topic, String group) {
        return "error." + topic + "." + group;
    }
}
