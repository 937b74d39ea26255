package dev.vigil.staging;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.TargetId;
import dev.vigil.local.LocalS3;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3 staging against a real S3 API endpoint (S3Proxy); the backups bucket is a second bucket on the same endpoint. */
class S3StagingTest extends StagingContractTest {

    private static final S3Client S3 = LocalS3.shared().client();

    @TempDir
    Path tmp;

    private String bucket;
    private final String backups = "backups-" + UUID.randomUUID();

    @Override
    Staging staging() {
        bucket = "staging-" + UUID.randomUUID();
        S3.createBucket(b -> b.bucket(bucket));
        S3.createBucket(b -> b.bucket(backups));
        return new S3Staging(S3, bucket, "staging", 5 * 1024 * 1024, tmp);
    }

    @Override
    List<String> contents() {
        return S3.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }

    @Test
    void aMissingBucketFailsTheProbeNamingIt() {
        Staging staging = new S3Staging(S3, "no-such-bucket-" + UUID.randomUUID(), "staging", 5 * 1024 * 1024, tmp);

        assertThatThrownBy(staging::probe).isInstanceOf(IOException.class)
                .hasMessageContaining("staging bucket s3://no-such-bucket-")
                .hasMessageContaining("Check that the bucket exists");
    }

    @Override
    boolean exists(String stagingUri) {
        String rest = stagingUri.substring("s3://".length());
        int slash = rest.indexOf('/');
        try {
            S3.headObject(b -> b.bucket(rest.substring(0, slash)).key(rest.substring(slash + 1)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    @Override
    String uriOf(TargetId target, String name) {
        return "s3://" + bucket + "/staging/" + target.value() + "/" + name;
    }

    @Override
    String elsewhere(String name, byte[] bytes) {
        S3.putObject(b -> b.bucket(backups).key(name), RequestBody.fromBytes(bytes));
        return "s3://" + backups + "/" + name;
    }
}
