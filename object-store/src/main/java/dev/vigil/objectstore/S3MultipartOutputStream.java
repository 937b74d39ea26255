package dev.vigil.objectstore;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Streams an object of unknown size into S3 as a multipart upload, holding one part in memory.
 * The upload completes only through {@link #complete()}; {@link #close()} without it, or any
 * failure, aborts the upload so no incomplete multipart upload is left behind. Not thread-safe.
 *
 * <p>Part size: S3 allows at most 10,000 parts (some providers 1,000) of at least 5 MiB; the part
 * size given here bounds memory and, with the provider's part limit, the largest object.
 */
public final class S3MultipartOutputStream extends OutputStream {

    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final byte[] part;
    private final int maxParts;
    private final List<CompletedPart> completed = new ArrayList<>();
    private int filled;
    private boolean finished;

    /**
     * @param metadata user metadata to store with the object (x-amz-meta-*)
     */
    public S3MultipartOutputStream(S3Client s3, String bucket, String key, int partSize, int maxParts, Map<String, String> metadata) {
        this(s3, bucket, key, partSize, maxParts, metadata, request -> { });
    }

    /**
     * @param options further settings of the upload, e.g. server-side encryption or storage class
     */
    public S3MultipartOutputStream(S3Client s3, String bucket, String key, int partSize, int maxParts, Map<String, String> metadata,
            java.util.function.Consumer<software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest.Builder> options) {
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("part size must be at least 5 MiB, got " + partSize);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.part = new byte[partSize];
        this.maxParts = maxParts;
        this.uploadId = s3.createMultipartUpload(b -> {
            b.bucket(bucket).key(key).metadata(metadata);
            options.accept(b);
        }).uploadId();
    }

    /**
     * The part size for an object of {@code size} bytes: the preferred size, or larger (in whole MiB)
     * when the provider's part limit would otherwise be exceeded. Memory per upload is one part.
     */
    public static int partSizeFor(long size, int preferred, int maxParts) {
        long mib = 1024 * 1024;
        long needed = (size + maxParts - 1) / maxParts;
        long rounded = (needed + mib - 1) / mib * mib;
        long partSize = Math.max(Math.max(preferred, MIN_PART_SIZE), rounded);
        // A part is held in one array: at most 2047 MiB (S3 itself allows 5 GiB).
        long largest = 2047 * mib;
        if (partSize > largest) {
            throw new IllegalArgumentException("an object of " + size + " bytes does not fit in " + maxParts
                    + " parts of at most 2047 MiB; use a provider that allows more parts (AWS S3: 10,000)");
        }
        return (int) partSize;
    }

    /**
     * Aborts incomplete multipart uploads of exactly {@code key}, e.g. one whose abort could not
     * reach the store when its connection died; answers how many there were.
     */
    public static int abortLeftovers(S3Client s3, String bucket, String key) {
        int aborted = 0;
        for (var upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(key)).uploads()) {
            if (upload.key().equals(key)) {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload.uploadId()));
                aborted++;
            }
        }
        return aborted;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ensureOpen();
        while (length > 0) {
            if (filled == part.length) {
                uploadPart();
            }
            int n = Math.min(length, part.length - filled);
            System.arraycopy(bytes, offset, part, filled, n);
            filled += n;
            offset += n;
            length -= n;
        }
    }

    /** Uploads the last part and completes the object. After this, {@link #close()} does nothing. */
    public void complete() throws IOException {
        ensureOpen();
        try {
            if (filled > 0 || completed.isEmpty()) {
                uploadPart();
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(completed)));
            finished = true;
        } catch (IOException | SdkException e) {
            abort();
            throw e instanceof IOException io ? io : new IOException("completing " + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    /** Aborts the upload unless it was completed. */
    @Override
    public void close() {
        if (!finished) {
            abort();
        }
    }

    /** Parts uploaded so far, for progress. */
    public int partsUploaded() {
        return completed.size();
    }

    private void uploadPart() throws IOException {
        int number = completed.size() + 1;
        if (number > maxParts) {
            abort();
            throw new IOException("the object outgrew " + maxParts + " parts of " + part.length
                    + " bytes; raise the part size (the provider allows " + maxParts + " parts)");
        }
        try {
            String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                    RequestBody.fromBytes(java.util.Arrays.copyOf(part, filled))).eTag();
            completed.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            filled = 0;
        } catch (SdkException e) {
            abort();
            throw new IOException("uploading part " + number + " of " + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    private void abort() {
        if (!finished) {
            finished = true;
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException ignored) {
                // the store is gone; its own lifecycle rules clean up what it kept
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("the upload of " + bucket + "/" + key + " is already completed or aborted");
        }
    }
}
