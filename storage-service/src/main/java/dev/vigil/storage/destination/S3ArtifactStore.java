package dev.vigil.storage.destination;

import dev.vigil.contracts.Sha256;
import dev.vigil.objectstore.S3MultipartOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** Stores artifacts in one S3 bucket, streaming from the staged file. Thread-safe. */
class S3ArtifactStore implements ArtifactStore {

    /** Object metadata key holding the artifact's SHA-256, as {@code x-amz-meta-sha256}. */
    static final String SHA256_METADATA = "sha256";
    private static final Logger log = LoggerFactory.getLogger(S3ArtifactStore.class);

    private final S3Client s3;
    private final String bucket;
    private final int partSize;
    private final int maxParts;
    private final ObjectOptions options;
    /** Whether each bucket has Object Lock, asked once per bucket. */
    private final Map<String, Boolean> objectLock = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param partSize the preferred part size; larger for an artifact that would otherwise need more than {@code maxParts}
     * @param maxParts the provider's part limit (AWS S3: 10,000; some providers 1,000)
     */
    S3ArtifactStore(S3Client s3, String bucket, boolean createBucket, int partSize, int maxParts, ObjectOptions options) {
        this.options = options;
        this.s3 = s3;
        this.bucket = bucket;
        this.partSize = partSize;
        this.maxParts = maxParts;
        if (createBucket) {
            try {
                s3.headBucket(b -> b.bucket(bucket));
            } catch (NoSuchBucketException e) {
                s3.createBucket(b -> b.bucket(bucket));
                log.info("created bucket {}", bucket);
            }
        }
    }

    @Override
    public void upload(String key, InputStream in, long size, String sha256) throws IOException {
        int aborted = S3MultipartOutputStream.abortLeftovers(s3, bucket, key);
        if (aborted > 0) {
            log.info("aborted {} incomplete upload(s) of {} left by an earlier attempt", aborted, key);
        }
        MessageDigest digest = Sha256.digest();
        try (InputStream hashed = new DigestInputStream(in, digest);
                S3MultipartOutputStream out = new S3MultipartOutputStream(s3, bucket, key,
                        S3MultipartOutputStream.partSizeFor(size, partSize, maxParts), maxParts, Map.of(SHA256_METADATA, sha256), request -> {
                            if (!options.serverSideEncryption().isEmpty()) {
                                request.serverSideEncryption(options.serverSideEncryption());
                            }
                            if (!options.kmsKeyId().isEmpty()) {
                                request.ssekmsKeyId(options.kmsKeyId());
                            }
                            if (!options.storageClass().isEmpty()) {
                                request.storageClass(options.storageClass());
                            }
                        })) {
            hashed.transferTo(out);
            String found = Sha256.hex(digest);
            if (!found.equals(sha256)) {
                throw new ChecksumMismatchException(found);
            }
            out.complete();
        }
    }

    @Override
    public boolean holds(String key, long size, String sha256) {
        return head(bucket, key).filter(h -> h.contentLength() == size && sha256.equals(h.metadata().get(SHA256_METADATA))).isPresent();
    }

    /** The object's metadata; empty when there is no such object. */
    private java.util.Optional<software.amazon.awssdk.services.s3.model.HeadObjectResponse> head(String bucket, String key) {
        try {
            return java.util.Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (missing(e)) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    /** No object under the key: NoSuchKey from a GET, a bare 404 from a HEAD (which has no body to name the error). */
    private static boolean missing(software.amazon.awssdk.services.s3.model.S3Exception e) {
        return e instanceof software.amazon.awssdk.services.s3.model.NoSuchKeyException || e.statusCode() == 404;
    }

    @Override
    public java.util.Optional<ObjectDigest> digest(String bucket, String key) throws IOException {
        try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            return java.util.Optional.of(ObjectDigest.of(in));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (missing(e)) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public boolean isS3() {
        return true;
    }

    @Override
    public Opened open(String bucket, String key, long first, long last) {
        var in = s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + first + "-" + (last < 0 ? "" : String.valueOf(last))));
        var response = in.response();
        // "bytes 0-8191/123456": the whole object's size after the slash; without a range answered, the length is the whole.
        long size = response.contentLength() == null ? -1 : response.contentLength();
        String range = response.contentRange();
        if (range != null && range.contains("/") && !range.endsWith("/*")) {
            size = Long.parseLong(range.substring(range.lastIndexOf('/') + 1).strip());
        }
        return new Opened(in, size);
    }

    @Override
    public void putSmall(String bucket, String key, byte[] bytes, String contentType) {
        s3.putObject(b -> {
            b.bucket(bucket).key(key).contentType(contentType);
            if (!options.serverSideEncryption().isEmpty()) {
                b.serverSideEncryption(options.serverSideEncryption());
            }
            if (!options.kmsKeyId().isEmpty()) {
                b.ssekmsKeyId(options.kmsKeyId());
            }
            if (!options.storageClass().isEmpty()) {
                b.storageClass(options.storageClass());
            }
        }, software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
    }

    @Override
    public byte[] read(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    @Override
    public java.util.List<String> list(String bucket, String prefix) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(o -> keys.add(o.key()));
        return keys;
    }

    @Override
    public boolean exists(String bucket, String key) {
        return head(bucket, key).isPresent();
    }

    @Override
    public void delete(String bucket, String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public String locate(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public boolean keepsVersions(String bucket) {
        try {
            // Suspended versioning writes a null version, which a plain delete does remove.
            return s3.getBucketVersioning(b -> b.bucket(bucket)).status() == software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED
                    || objectLockEnabled(bucket);
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            // A store that does not implement versioning (S3Proxy answers 501), or a role that may not ask.
            return false;
        }
    }

    @Override
    public boolean setsRetainUntilDates(String bucket) {
        return !"OFF".equals(options.objectLockMode()) && objectLockEnabled(bucket);
    }

    @Override
    public java.util.Optional<java.time.Instant> retainUntil(String bucket, String key) {
        // A bucket without Object Lock holds no dates; some stores (S3Proxy) answer the question with 501.
        return objectLockEnabled(bucket) ? retention(bucket, key) : java.util.Optional.empty();
    }

    @Override
    public java.util.Optional<java.time.Instant> retainAtLeastUntil(String bucket, String key, java.time.Instant until) {
        if (!setsRetainUntilDates(bucket)) {
            return java.util.Optional.empty();
        }
        java.time.Instant wanted = until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        java.util.Optional<java.time.Instant> current = retention(bucket, key);
        if (current.isPresent() && !current.get().isBefore(wanted)) {
            return current;
        }
        s3.putObjectRetention(b -> b.bucket(bucket).key(key).retention(r -> r.mode(options.objectLockMode()).retainUntilDate(wanted)));
        log.info("object lock: {}/{} kept until {} ({})", bucket, key, wanted, options.objectLockMode());
        return java.util.Optional.of(wanted);
    }

    /**
     * Whether the bucket has Object Lock enabled, asked once. A store that does not implement it, a
     * bucket without it, or a role that may not read it counts as none; any other failure (the store
     * not answering) is thrown, and asked again next time.
     */
    boolean objectLockEnabled(String bucket) {
        Boolean known = objectLock.get(bucket);
        if (known != null) {
            return known;
        }
        boolean enabled;
        try {
            var configuration = s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
            enabled = configuration != null
                    && configuration.objectLockEnabled() == software.amazon.awssdk.services.s3.model.ObjectLockEnabled.ENABLED;
            log.info("bucket {} {}", bucket, enabled ? "has Object Lock: backups get a retain-until date (" + options.objectLockMode()
                    + ") from the retention tier that keeps them" : "has no Object Lock");
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() >= 500 && e.statusCode() != 501) {
                throw e;
            }
            enabled = false;
            if (e.statusCode() == 403) {
                log.warn("bucket {}: may not read its Object Lock configuration ({}); no retain-until dates are set. Grant "
                        + "s3:GetBucketObjectLockConfiguration, s3:GetObjectRetention and s3:PutObjectRetention to use Object Lock", bucket,
                        e.awsErrorDetails() == null ? e.statusCode() : e.awsErrorDetails().errorCode());
            } else {
                log.info("bucket {} has no Object Lock ({})", bucket, e.awsErrorDetails() == null ? e.statusCode() : e.awsErrorDetails().errorCode());
            }
        }
        objectLock.put(bucket, enabled);
        return enabled;
    }

    /** The object's retain-until date; empty when it has none. */
    private java.util.Optional<java.time.Instant> retention(String bucket, String key) {
        try {
            var retention = s3.getObjectRetention(b -> b.bucket(bucket).key(key)).retention();
            return java.util.Optional.ofNullable(retention == null ? null : retention.retainUntilDate());
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404 || e.statusCode() == 400) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }
}
