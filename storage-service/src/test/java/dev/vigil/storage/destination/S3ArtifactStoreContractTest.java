package dev.vigil.storage.destination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.local.LocalS3;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link S3ArtifactStore} against a real S3 API endpoint (S3Proxy), a new bucket per test, 5 MiB parts. */
class S3ArtifactStoreContractTest extends ArtifactStoreContract {

    private static final S3Client s3 = LocalS3.shared().client();

    @AfterAll
    static void closeClient() {
        s3.close();
    }

    @Override
    ArtifactStore store() {
        return new S3ArtifactStore(s3, "contract-" + UUID.randomUUID(), true, 5 * 1024 * 1024, 1000, ObjectOptions.DEFAULTS);
    }

    @Override
    void assertNothingLeftBehind(ArtifactStore store) {
        assertThat(s3.listMultipartUploads(b -> b.bucket(store.bucket())).uploads()).as("incomplete multipart uploads").isEmpty();
    }
}
