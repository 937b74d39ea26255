package dev.vigil.storage.destination;

import dev.vigil.contracts.StoredObject;

/**
 * Where copies of backups go: a name (in events and the catalog), a store, its key prefix, and the
 * store's own circuit breaker.
 */
public record Destination(String name, ArtifactStore store, String prefix, StoreGuard guard) {

    /** Where this destination keeps the artifact of {@code created}. */
    public StoredObject location(dev.vigil.contracts.ArtifactCreated created) {
        return new StoredObject(name, store.bucket(), ObjectKeys.of(prefix, created.targetId(), created.jobId(), created.occurredAt(),
                created.artifact().fileExtension()));
    }

    /** Where a dry run of {@code job} writes and removes its probe object in this destination. */
    public String dryRunProbeKey(dev.vigil.contracts.TargetId target, dev.vigil.contracts.JobId job) {
        return ObjectKeys.dryRunProbe(prefix, target, job);
    }
}
