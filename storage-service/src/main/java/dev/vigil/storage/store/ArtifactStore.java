package dev.vigil.storage.store;

import java.io.IOException;
import java.nio.file.Path;

/** A destination that holds artifacts under keys. One real adapter: {@link S3ArtifactStore}. */
public interface ArtifactStore {

    /** Uploads {@code file} under {@code key}, recording its SHA-256 with the object. */
    void put(String key, Path file, String sha256) throws IOException;

    /**
     * Copies an object staged in S3 (same endpoint) under {@code key}, streaming; completes only if
     * what was read has {@code sha256}, else aborts and throws {@link ChecksumMismatchException}.
     */
    void copyStaged(String stagingBucket, String stagingKey, String key, String sha256) throws IOException;

    /** Removes an object, if it exists: a staged artifact, or a stored one that retention let go. */
    void delete(String bucket, String key);

    String bucket();
}
