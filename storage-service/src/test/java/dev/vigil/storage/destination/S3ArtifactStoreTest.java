package dev.vigil.storage.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.Sha256;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 adapter against a real S3 endpoint (S3Proxy), with the requests it sends on the wire
 * recorded. S3Proxy stores every object as STANDARD and ignores encryption headers, so what is
 * checked here is that the destination's settings are asked of the store.
 */
class S3ArtifactStoreTest {

    private final List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();
    private final S3Client s3 = client();

    @Test
    void aDestinationsEncryptionAndStorageClassAreAskedForOnEveryObjectItWrites() throws Exception {
        S3ArtifactStore store = new S3ArtifactStore(s3, "adapter-test", true, 5 * 1024 * 1024, 1000,
                new ObjectOptions("AES256", "", "STANDARD_IA"));
        byte[] bytes = new byte[7 * 1024 * 1024];
        new Random(9).nextBytes(bytes);

        store.upload("t/artifact.dump", new ByteArrayInputStream(bytes), bytes.length, Sha256.of(bytes));
        store.putSmall("adapter-test", "t/artifact.dump.manifest.json", "{}".getBytes(), "application/json");

        List<SdkHttpRequest> writes = sent.stream().filter(r -> r.method().name().equals("POST") && r.rawQueryParameters().containsKey("uploads")
                || r.method().name().equals("PUT") && !r.rawQueryParameters().containsKey("partNumber") && r.encodedPath().contains("/t/")).toList();
        assertThat(writes).as("create-multipart and put requests").hasSize(2).allSatisfy(r -> {
            assertThat(r.firstMatchingHeader("x-amz-storage-class")).contains("STANDARD_IA");
            assertThat(r.firstMatchingHeader("x-amz-server-side-encryption")).contains("AES256");
        });
        assertThat(store.holds("t/artifact.dump", bytes.length, Sha256.of(bytes))).isTrue();
        assertThat(store.holds("t/artifact.dump", bytes.length, Sha256.of(new byte[1]))).as("another artifact under the key").isFalse();
        assertThat(store.holds("t/absent.dump", 1, "x")).isFalse();
    }

    @Test
    void mistakesInADestinationsSettingsAreNamed() {
        assertThatThrownBy(() -> new ObjectOptions("aes", "", "")).hasMessageContaining("must be AES256 or aws:kms");
        assertThatThrownBy(() -> new ObjectOptions("AES256", "key-1", "")).hasMessageContaining("kms-key-id is set but");
    }

    private S3Client client() {
        ServiceTestSettings.s3Credentials();
        return S3Client.builder().region(Region.of(LocalS3.REGION)).forcePathStyle(true)
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .endpointOverride(URI.create(LocalS3.shared().endpoint()))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        sent.add(context.httpRequest());
                    }
                }))
                .build();
    }
}
