package dev.vigil.storage.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.local.ServiceTestSettings;
import dev.vigil.objectstore.S3Clients;
import dev.vigil.objectstore.S3Settings;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 adapter's Object Lock settings against a store that keeps them (Adobe's S3Mock): a bucket
 * without Object Lock gets no dates, and mode {@code OFF} sets none even where the bucket has it.
 * Dates set and extended by retention are in {@code ObjectLockTest}.
 */
class S3ArtifactStoreObjectLockTest {

    private static S3MockProcess s3mock;
    private static S3Client client;

    @BeforeAll
    static void start() throws Exception {
        ServiceTestSettings.s3Credentials();
        s3mock = S3MockProcess.start();
        client = S3Clients.create(new S3Settings(URI.create(s3mock.endpoint()), "us-east-1", true));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (s3mock != null) {
            s3mock.close();
        }
    }

    @Test
    void aBucketWithoutObjectLockGetsNoDatesAndModeOffSetsNone() {
        client.createBucket(b -> b.bucket("locked").objectLockEnabledForBucket(true));
        client.createBucket(b -> b.bucket("plain-backups"));
        client.putObject(b -> b.bucket("plain-backups").key("k"), RequestBody.fromString("x"));
        client.putObject(b -> b.bucket("locked").key("off"), RequestBody.fromString("x"));
        Instant future = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);

        assertThat(new S3ArtifactStore(client, "plain-backups", false, 5 * 1024 * 1024, 1000, ObjectOptions.DEFAULTS)
                .retainAtLeastUntil("plain-backups", "k", future)).isEmpty();
        assertThat(new S3ArtifactStore(client, "locked", false, 5 * 1024 * 1024, 1000, new ObjectOptions("", "", "", "off"))
                .retainAtLeastUntil("locked", "off", future)).isEmpty();
        assertThatThrownBy(() -> client.getObjectRetention(b -> b.bucket("locked").key("off"))).isInstanceOf(S3Exception.class);
    }

    @Test
    void anUnknownObjectLockModeIsNamed() {
        assertThatThrownBy(() -> new ObjectOptions("", "", "", "FOREVER")).hasMessage("object-lock-mode must be GOVERNANCE, COMPLIANCE or OFF, got: FOREVER");
    }
}
