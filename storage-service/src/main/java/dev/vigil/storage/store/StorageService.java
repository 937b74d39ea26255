package dev.vigil.storage.store;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.CatalogReference;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.StoredObject;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.storage.backups.StoredBackups;
import dev.vigil.storage.backups.Manifests;
import dev.vigil.storage.backups.StoredBackup;
import dev.vigil.storage.destination.ChecksumMismatchException;
import dev.vigil.storage.destination.Destination;
import dev.vigil.storage.destination.Destinations;
import dev.vigil.storage.destination.StoreGuard;
import dev.vigil.staging.Staging;
import dev.vigil.staging.StagingUnusableException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores one staged artifact: streams it into the store while checking its SHA-256 against the
 * dump worker's, records it in the catalog and announces {@link ArtifactStored} through the outbox
 * in one transaction, then cleans staging. A job already stored is announced again, unchanged.
 * While the store fails transiently the artifact waits in staging ({@link PendingUploads}). A dump
 * made outside Vigil, fetched into staging by the intake, is stored the same way ({@link #storeRegistered}).
 */
public class StorageService {

    private static final Logger log = LoggerFactory.getLogger(StorageService.class);

    private final StoredBackups catalog;
    private final TransactionTemplate transactions;
    private final Outbox outbox;
    private final Destinations destinations;
    private final PendingUploads pending;
    private final Manifests manifests;
    private final Staging staging;

    public StorageService(Destinations destinations, StoredBackups catalog, TransactionTemplate transactions, Outbox outbox, PendingUploads pending,
            Manifests manifests, Staging staging) {
        this.manifests = manifests;
        this.staging = staging;
        this.destinations = destinations;
        this.pending = pending;
        this.catalog = catalog;
        this.transactions = transactions;
        this.outbox = outbox;
    }

    public void handle(ArtifactCreated created) {
        Optional<ArtifactStored> already = catalog.stored(created.jobId());
        if (already.isPresent()) {
            log.info("job {} target {} already stored; announcing it again", created.jobId(), created.targetId());
            // A redelivered request may have been dumped again: that copy is not needed, and staging is ours to clean.
            removeStaged(created);
            transactions.executeWithoutResult(s -> outbox.append(already.get()));
            return;
        }
        if (pending.isWaiting(created.jobId())) {
            log.info("job {} target {} already waits in staging for the object store", created.jobId(), created.targetId());
            return;
        }
        attempt(created, null);
    }

    /**
     * Stores a dump made outside Vigil that the intake fetched into staging (announced there as
     * {@code staged}), exactly as a worker's artifact is stored, and announces it as registered from
     * {@code registeredFrom} (the URL without query string or credentials). Answers whether it is
     * settled (stored, or failed for good); otherwise it waits in staging like any artifact.
     */
    public boolean storeRegistered(ArtifactCreated staged, String registeredFrom) {
        if (catalog.contains(staged.jobId()) || pending.isWaiting(staged.jobId())) {
            return true;
        }
        return attempt(staged, registeredFrom);
    }

    /** Tries again an artifact that waits in staging; answers whether it is settled (stored, or failed for good). */
    public boolean retryPending(PendingUploads.Pending waiting) {
        if (catalog.contains(waiting.created().jobId())) {
            pending.remove(waiting.created().jobId());
            return true;
        }
        return attempt(waiting.created(), waiting.registeredFrom());
    }

    /**
     * One try at storing: the artifact into every destination of its target that does not hold it
     * yet (each with retries, inside that destination's circuit breaker), then a manifest beside each
     * copy, then catalog row and {@link ArtifactStored} in one transaction, then staging cleaned.
     * A transient failure leaves the artifact in staging, in {@link PendingUploads}; a permanent one
     * removes the copies made and fails the job. Answers whether the artifact is settled.
     *
     * @param registeredFrom where a dump made outside Vigil was fetched from; null for a worker's artifact
     */
    private boolean attempt(ArtifactCreated created, @Nullable String registeredFrom) {
        String expected = created.artifact().sha256();
        long size = created.artifact().sizeBytes();
        List<Destination> targets = destinations.forTarget(created.targetId());
        List<StoredObject> copies = targets.stream().map(d -> d.location(created)).toList();
        // The source's catalog is kept in the manifests beside the copies; the event refers to the primary's.
        Catalog sourceCatalog;
        try {
            sourceCatalog = created.artifact().catalog() != null ? created.artifact().catalog() : staging.readCatalog(created).orElse(null);
        } catch (StagingUnusableException | IOException e) {
            fail(created, FailureClass.STAGING, e.getMessage());
            return true;
        }
        Artifact artifact = sourceCatalog == null ? created.artifact()
                : created.artifact().withCatalogAt(CatalogReference.to(Manifests.uriOf(copies.getFirst()), sourceCatalog));
        ArtifactStored stored;
        Destination current = targets.getFirst();
        try {
            for (int i = 0; i < targets.size(); i++) {
                Destination destination = targets.get(i);
                String key = copies.get(i).key();
                current = destination;
                destination.guard().run(() -> {
                    if (!destination.store().holds(key, size, expected)) {
                        try (InputStream in = staging.read(created)) {
                            destination.store().upload(key, in, size, expected);
                        }
                    }
                });
            }
            // Stamped now, not when storing began: the job's STORED time is when the backup is stored.
            stored = ArtifactStored.registered(created.jobId(), created.targetId(), copies.getFirst(), artifact, copies.subList(1, copies.size()),
                    registeredFrom);
            for (Destination destination : targets) {
                current = destination;
                destination.guard().run(() -> manifests.writeNew(destination, stored, created.occurredAt(), sourceCatalog));
            }
        } catch (ChecksumMismatchException e) {
            removeCopies(created, copies);
            fail(created, FailureClass.STORAGE, "the staged artifact's SHA-256 is " + e.found() + " but " + (registeredFrom == null
                    ? "the dump worker wrote " : "the intake read ") + expected + "; the staged artifact was changed or damaged, the backup must be "
                    + "taken again");
            return true;
        } catch (StagingUnusableException e) {
            fail(created, FailureClass.STAGING, e.getMessage());
            return true;
        } catch (Throwable e) {
            if (StoreGuard.isTransient(e)) {
                int attempts = pending.defer(created, registeredFrom, current.name() + ": " + e);
                log.warn("object store unavailable for job {} target {} at destination {} (try {}, circuit {}): {}; the artifact waits in "
                        + "staging and is tried again", created.jobId(), created.targetId(), current.name(), attempts, current.guard().state(),
                        e.toString());
                return false;
            }
            removeCopies(created, copies);
            fail(created, FailureClass.STORAGE, "storing in destination " + current.name() + " (" + current.store().bucket() + ") failed: "
                    + e.getMessage() + "; the artifact stays in staging");
            return true;
        }
        transactions.executeWithoutResult(s -> {
            catalog.insert(stored, created.occurredAt(), StoredBackup.State.PENDING_VERIFICATION, null, false, sourceCatalog);
            pending.remove(created.jobId());
            outbox.append(stored);
        });
        log.info("artifact stored: job {} target {} at {}", created.jobId(), created.targetId(),
                copies.stream().map(c -> c.destination() + ":" + c.bucket() + "/" + c.key()).toList());
        removeStaged(created);
        return true;
    }

    /** Removes what a failed job left in its destinations, as far as they answer. */
    private void removeCopies(ArtifactCreated created, List<StoredObject> copies) {
        for (StoredObject copy : copies) {
            destinations.named(copy.destination()).ifPresent(d -> {
                try {
                    d.store().delete(copy.bucket(), copy.key());
                    manifests.delete(d, copy);
                } catch (RuntimeException e) {
                    log.warn("could not remove the copy of failed job {} at {}: {}", created.jobId(), copy.destination(), e.toString());
                }
            });
        }
    }

    /** Removes the staged artifact, its catalog and descriptor; a failure only leaves litter in staging. */
    private void removeStaged(ArtifactCreated created) {
        try {
            staging.remove(created);
        } catch (IOException | RuntimeException e) {
            log.warn("could not remove the staged artifact {}: {}", created.stagingUri(), e.getMessage());
        }
    }

    private void fail(ArtifactCreated created, FailureClass failureClass, String reason) {
        log.warn("store failed: job {} target {}: {} {}", created.jobId(), created.targetId(), failureClass, reason);
        transactions.executeWithoutResult(s -> {
            pending.remove(created.jobId());
            outbox.append(BackupFailed.now(created.jobId(), created.targetId(), Stage.STORE, failureClass, reason));
        });
    }
}
