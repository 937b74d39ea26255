package dev.vigil.storage.retention;

import dev.vigil.contracts.RetainedBackup;
import dev.vigil.storage.backups.StoredBackup;
import java.util.List;

/**
 * What a retention policy keeps and deletes of one target's backups now, each with its reasons;
 * both lists newest first.
 */
record RetentionPlan(List<Decision> kept, List<Decision> deleted) {

    record Decision(StoredBackup backup, List<String> reasons) {

        RetainedBackup retained() {
            return new RetainedBackup(backup.jobId(), backup.takenAt(), backup.objectKey(), reasons);
        }
    }

    List<RetainedBackup> keptBackups() {
        return kept.stream().map(Decision::retained).toList();
    }

    List<RetainedBackup> deletedBackups() {
        return deleted.stream().map(Decision::retained).toList();
    }
}
