package dev.vigil.storage.store;

import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.StoredObject;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.storage.catalog.Catalog;
import dev.vigil.storage.catalog.Manifests;
import dev.vigil.storage.catalog.StoredBackup;
import dev.vigil.storage.destination.ArtifactStore;
import dev.vigil.storage.destination.ChecksumMismatchException;
import dev.vigil.storage.destination.Destination;
import dev.vigil.storage.destination.Destinations;
import dev.vigil.storage.destination.StoreGuard;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores one staged artifact: streams it into the store while checking its SHA-256 against the
 * dump worker's, records it in the catalog and announces {@link ArtifactStored} through the outbox
 * in one transaction, then cleans staging. A job already stored is announced again, unchanged.
 * While the store fails transiently the artifact waits in staging ({@link PendingUploads}).
 */
public class StorageService {

    private static final Logger log = LoggerFactory.getLogger(StorageService.class);

    private final ArtifactStore store;
    private final Catalog catalog;
    private final TransactionTemplate transactions;
    private final Outbox outbox;
    private final Destinations destinations;
    private final PendingUploads pending;
    private final Manifests manifests;

    public StorageService(Destinations destinations, Catalog catalog, TransactionTemplate transactions, Outbox outbox, PendingUploads pending,
            Manifests manifests) {
        this.manifests = manifests;
        this.destinations = destinations;
        this.pending = pending;
        this.store = destinations.primary().store();
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
        attempt(created);
    }

    /** Tries again an artifact that waits in staging; answers whether it is settled (stored, or failed for good). */
    public boolean retryPending(ArtifactCreated created) {
        if (catalog.contains(created.jobId())) {
            pending.remove(created.jobId());
            return true;
        }
        return attempt(created);
    }

    /**
     * One try at storing: the artifact into every destination of its target that does not hold it
     * yet (each with retries, inside that destination's circuit breaker), then a manifest beside each
     * copy, then catalog row and {@link ArtifactStored} in one transaction, then staging cleaned.
     * A transient failure leaves the artifact in staging, in {@link PendingUploads}; a permanent one
     * removes the copies made and fails the job. Answers whether the artifact is settled.
     */
    private boolean attempt(ArtifactCreated created) {
        String expected = created.artifact().sha256();
        long size = created.artifact().sizeBytes();
        List<Destination> targets = destinations.forTarget(created.targetId());
        List<StoredObject> copies = targets.stream().map(d -> d.location(created)).toList();
        ArtifactStored stored = ArtifactStored.now(created.jobId(), created.targetId(), copies.getFirst(), created.artifact(),
                copies.subList(1, copies.size()));
        Destination current = targets.getFirst();
        try {
            for (int i = 0; i < targets.size(); i++) {
                Destination destination = targets.get(i);
                String key = copies.get(i).key();
                current = destination;
                destination.guard().run(() -> {
                    if (!destination.store().holds(key, size, expected)) {
                        try (InputStream in = openStaged(created)) {
                            destination.store().upload(key, in, size, expected);
                        }
                    }
                });
            }
            for (Destination destination : targets) {
                current = destination;
                destination.guard().run(() -> manifests.writeNew(destination, stored, created.occurredAt()));
            }
        } catch (ChecksumMismatchException e) {
            removeCopies(stored);
            fail(created, FailureClass.STORAGE, "the staged artifact's SHA-256 is " + e.found() + " but the dump worker wrote "
                    + expected + "; the staged artifact was changed or damaged, the backup must be taken again");
            return true;
        } catch (StagingUnusableException e) {
            fail(created, FailureClass.STAGING, e.getMessage());
            return true;
        } catch (Throwable e) {
            if (StoreGuard.isTransient(e)) {
                int attempts = pending.defer(created, current.name() + ": " + e);
                log.warn("object store unavailable for job {} target {} at destination {} (try {}, circuit {}): {}; the artifact waits in "
                        + "staging and is tried again", created.jobId(), created.targetId(), current.name(), attempts, current.guard().state(),
                        e.toString());
                return false;
            }
            removeCopies(stored);
            fail(created, FailureClass.STORAGE, "storing in destination " + current.name() + " (" + current.store().bucket() + ") failed: "
                    + e.getMessage() + "; the artifact stays in staging");
            return true;
        }
        transactions.executeWithoutResult(s -> {
            catalog.insert(stored, created.occurredAt(), StoredBackup.State.PENDING_VERIFICATION, null, false);
            pending.remove(created.jobId());
            outbox.append(stored);
        });
        log.info("artifact stored: job {} target {} at {}", created.jobId(), created.targetId(),
                stored.copies().stream().map(c -> c.destination() + ":" + c.bucket() + "/" + c.key()).toList());
        removeStaged(created);
        return true;
    }

    /** Removes what a failed job left in its destinations, as far as they answer. */
    private void removeCopies(ArtifactStored stored) {
        for (StoredObject copy : stored.copies()) {
            destinations.named(copy.destination()).ifPresent(d -> {
                try {
                    d.store().delete(copy.bucket(), copy.key());
                    manifests.delete(d, copy);
                } catch (RuntimeException e) {
                    log.warn("could not remove the copy of failed job {} at {}: {}", stored.jobId(), copy.destination(), e.toString());
                }
            });
        }
    }

    /** The staged artifact's bytes: a file in the shared staging directory, or an object in the staging bucket. */
    private InputStream openStaged(ArtifactCreated created) throws StagingUnusableException {
        Optional<S3Location> s3Staged = S3Location.parse(created.stagingUri());
        if (s3Staged.isPresent()) {
            return store.open(s3Staged.get().bucket(), s3Staged.get().key());
        }
        Optional<Path> fileStaged = stagedFile(created);
        if (fileStaged.isEmpty()) {
            throw new StagingUnusableException("staging location " + created.stagingUri()
                    + " is neither a local file nor an s3:// object; check the dump worker's staging settings");
        }
        try {
            return Files.newInputStream(fileStaged.get());
        } catch (IOException e) {
            throw new StagingUnusableException("the staged artifact " + fileStaged.get() + " is missing or unreadable on the storage service ("
                    + e.getClass().getSimpleName() + "); the worker and the storage service must share the staging directory");
        }
    }

    /** The staged file a {@code file:} staging URI names; empty for any other kind of staging. */
    private static Optional<Path> stagedFile(ArtifactCreated created) {
        if (!created.stagingUri().startsWith("file:")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(URI.create(created.stagingUri())));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Removes a staged artifact and the worker's descriptor beside it ({@code <jobId>.json}), wherever they are staged. */
    private void removeStaged(ArtifactCreated created) {
        try {
            Optional<S3Location> s3 = S3Location.parse(created.stagingUri());
            if (s3.isPresent()) {
                store.delete(s3.get().bucket(), s3.get().key());
                store.delete(s3.get().bucket(), s3.get().sibling(created.jobId() + ".json"));
            }
            Optional<Path> file = stagedFile(created);
            if (file.isPresent()) {
                Files.deleteIfExists(file.get());
                Files.deleteIfExists(file.get().resolveSibling(created.jobId() + ".json"));
            }
        } catch (IOException | SdkException e) {
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
