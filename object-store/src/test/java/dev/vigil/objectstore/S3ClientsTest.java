package dev.vigil.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.local.LocalS3;
import dev.vigil.local.SilentServer;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 client's timeouts, against a real S3 endpoint and one that never answers. */
class S3ClientsTest {

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", LocalS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", LocalS3.SECRET_KEY);
    }

    @Test
    void anEndpointThatAcceptsButNeverAnswersFailsWithinTheReadTimeoutsOfTheSdksAttempts() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            S3Timeouts timeouts = new S3Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30));
            try (S3Client s3 = S3Clients.create(new S3Settings(URI.create("http://127.0.0.1:" + silent.port()), LocalS3.REGION, true,
                    timeouts))) {
                long started = System.nanoTime();

                assertThatThrownBy(() -> s3.headBucket(b -> b.bucket("anything"))).isInstanceOf(SdkClientException.class);
                // Three attempts (the SDK's standard retries) of about a second each, and short backoffs between.
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            }
        }
    }

    @Test
    void aStreamedDownloadReadMoreSlowlyThanTheAttemptTimeoutStillCompletes() throws Exception {
        byte[] content = new byte[256 * 1024];
        new Random(7).nextBytes(content);
        S3Timeouts timeouts = new S3Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(1));
        try (S3Client s3 = S3Clients.create(new S3Settings(URI.create(LocalS3.shared().endpoint()), LocalS3.REGION, true, timeouts))) {
            s3.createBucket(b -> b.bucket("slow-reader"));
            s3.putObject(b -> b.bucket("slow-reader").key("artifact"), RequestBody.fromBytes(content));

            byte[] read;
            long opened = System.nanoTime();
            try (InputStream in = s3.getObject(b -> b.bucket("slow-reader").key("artifact"))) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                byte[] chunk = new byte[64 * 1024];
                out.write(chunk, 0, in.read(chunk));
                // As the verifier reads while pg_restore works: the rest is read only once the attempt timeout is well past.
                await("twice the attempt timeout since the download began").atMost(Duration.ofSeconds(10))
                        .until(() -> Duration.ofNanos(System.nanoTime() - opened).compareTo(timeouts.attempt().multipliedBy(2)) > 0);
                in.transferTo(out);
                read = out.toByteArray();
            }

            assertThat(read).isEqualTo(content);
        }
    }

    @Test
    void aTimeoutLeftOutTakesItsDefaultAndANonPositiveOneIsRefused() {
        assertThat(new S3Timeouts(null, Duration.ofSeconds(5), null)).isEqualTo(new S3Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofMinutes(10)));
        assertThatThrownBy(() -> new S3Timeouts(Duration.ZERO, null, null)).hasMessageContaining("connect timeout must be positive");
    }
}
