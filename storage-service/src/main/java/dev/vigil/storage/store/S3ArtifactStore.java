package dev.vigil.storage.store;

import dev.vigil.contracts.Sha256;
import dev.vigil.objectstore.S3MultipartOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
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
    private final int partSize;

    public S3ArtifactStore(S3Client s3, String bucket, boolean createBucket, int partSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.partSize = partSize;
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
    public void copyStaged(String stagingBucket, String stagingKey, String key, String sha256) throws IOException {
        MessageDigest digest = Sha256.digest();
        try (InputStream in = new DigestInputStream(s3.getObject(b -> b.bucket(stagingBucket).key(stagingKey)), digest);
                S3MultipartOutputStream out = new S3MultipartOutputStream(s3, bucket, key, partSize, 10_000, Map.of(SHA256_METADATA, sha256))) {
            in.transferTo(out);
            String found = Sha256.hex(digest);
            if (!found.equals(sha256)) {
                throw new ChecksumMismatchException(found);
            }
            out.complete();
        }
    }

    @Override
    public void delete(String bucket, String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public String bucket() {
        return bucket;
    }
}
