package dev.vigil.storage.store;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** Stores artifacts in one S3 bucket, streaming from the staged file. Thread-safe. */
public class S3ArtifactStore implements ArtifactStore {

    /** Object metadata key holding the artifact's SHA-256, as {@code x-amz-meta-sha256}. */
    public static final String SHA256_METADATA = "sha256";
    private static final Logger log = LoggerFactory.getLogger(S3ArtifactStore.class);

    private final S3Client s3;
    private final String bucket;

    public S3ArtifactStore(S3Client s3, String bucket, boolean createBucket) {
        this.s3 = s3;
        this.bucket = bucket;
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
    public void put(String key, Path file, String sha256) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/octet-stream").metadata(Map.of(SHA256_METADATA, sha256)),
                RequestBody.fromFile(file));
    }

    @Override
    public String bucket() {
        return bucket;
    }
}
