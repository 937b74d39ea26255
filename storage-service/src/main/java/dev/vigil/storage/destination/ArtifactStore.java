package dev.vigil.storage.destination;

import java.io.IOException;
import java.io.InputStream;

/**
 * A destination that holds artifacts under keys. Adapters: {@link S3ArtifactStore} (an S3-compatible bucket)
 * and {@link FilesystemStore} (a directory); both pass the same contract test ({@code ArtifactStoreContract}).
 */
public interface ArtifactStore {

    /**
     * Streams {@code in} ({@code size} bytes) under {@code key} as a multipart upload whose part size
     * keeps within the provider's part limit, recording {@code sha256} with the object. Completes
     * only if what was read has {@code sha256}, else aborts and throws {@link ChecksumMismatchException};
     * any other failure aborts too. Incomplete uploads of the key left by earlier attempts are aborted first.
     */
    void upload(String key, InputStream in, long size, String sha256) throws IOException;

    /** Whether {@code key} already holds this artifact (complete, of this size; in S3 also with this SHA-256 recorded). */
    boolean holds(String key, long size, String sha256);

    /**
     * Reads the object under {@code key} to its end, streaming (bounded memory, whatever its size),
     * and answers its size and SHA-256 as it is now; empty when there is no object under the key.
     * The bytes go nowhere else: this reads stored copies to check them again, never staging.
     */
    java.util.Optional<ObjectDigest> digest(String bucket, String key) throws IOException;

    /** Whether this is an S3 bucket, whose objects {@code s3://<bucket>/<key>} names and {@link #open} reads. */
    default boolean isS3() {
        return false;
    }

    /** An object opened for reading: its bytes from the first asked for, and the whole object's size. */
    record Opened(InputStream in, long objectSize) implements java.io.Closeable {
        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * Opens an object of {@code bucket} that this service did not write (a dump uploaded for the intake),
     * with this store's own client and credentials, streaming its bytes from {@code first} to
     * {@code last} inclusive ({@code -1}: to its end). The caller closes the stream. Only S3 stores
     * ({@link #isS3()}) read such objects; the store's own errors (no such key, access denied, a
     * timeout) are thrown as the store's client throws them.
     */
    default Opened open(String bucket, String key, long first, long last) throws IOException {
        throw new UnsupportedOperationException("a " + getClass().getSimpleName() + " reads no objects but its own");
    }

    /** Writes a small object (a manifest) whole. */
    void putSmall(String bucket, String key, byte[] bytes, String contentType);

    /** Reads a small object whole. */
    byte[] read(String bucket, String key);

    /** Every key under {@code prefix}, in key order. */
    java.util.List<String> list(String bucket, String prefix);

    boolean exists(String bucket, String key);

    /** Removes an object, if it exists: a copy of a failed job, or one that retention let go. */
    void delete(String bucket, String key);

    String bucket();

    /**
     * Where the bucket has Object Lock (and the destination's mode is not {@code OFF}): makes sure the
     * object's current version cannot be deleted or overwritten before {@code until}, never shortening
     * a date already set. Answers the retain-until date in force afterwards; empty where the store has
     * no Object Lock.
     */
    default java.util.Optional<java.time.Instant> retainAtLeastUntil(String bucket, String key, java.time.Instant until) {
        return java.util.Optional.empty();
    }

    /**
     * Whether {@link #retainAtLeastUntil} sets dates in this bucket: it has Object Lock and the
     * destination's mode is not {@code OFF}. A store without Object Lock never does.
     */
    default boolean setsRetainUntilDates(String bucket) {
        return false;
    }

    /** The Object Lock retain-until date of the object's current version, as the store reports it now; empty when it has none. */
    default java.util.Optional<java.time.Instant> retainUntil(String bucket, String key) {
        return java.util.Optional.empty();
    }

    /** Where {@code key} is, as an operator reads it: {@code s3://bucket/key}, or the file's path. */
    default String locate(String bucket, String key) {
        return bucket + "/" + key;
    }

    /**
     * Whether a delete in this bucket leaves the object's version behind (versioning or Object Lock
     * enabled): a plain delete then only adds a delete marker. False where the store cannot say.
     */
    default boolean keepsVersions(String bucket) {
        return false;
    }
}
