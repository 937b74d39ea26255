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
        assertThat(new S3ArtifactStore(client, "plain-backups", false, 5 * 1024 * 1024, 1000, ObjectOptions.DEFAULTS)
                .setsRetainUntilDates("plain-backups")).as("a bucket without Object Lock").isFalse();
        assertThat(new S3ArtifactStore(client, "locked", false, 5 * 1024 * 1024, 1000, new ObjectOptions("", "", "", "off"))
                .setsRetainUntilDates("locked")).as("mode OFF").isFalse();
    }

    @Test
    void theRetainUntilDateInForceIsReadBackAsTheBucketHasItNow() {
        client.createBucket(b -> b.bucket("dated").objectLockEnabledForBucket(true));
        client.putObject(b -> b.bucket("dated").key("k"), RequestBody.fromString("x"));
        S3ArtifactStore store = new S3ArtifactStore(client, "dated", false, 5 * 1024 * 1024, 1000, ObjectOptions.DEFAULTS);
        Instant future = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);

        assertThat(store.setsRetainUntilDates("dated")).isTrue();
        assertThat(store.retainUntil("dated", "k")).as("before any date is set").isEmpty();
        store.retainAtLeastUntil("dated", "k", future);
        assertThat(store.retainUntil("dated", "k")).contains(future);

        // Shortened behind the service's back (S3Mock keeps dates without enforcing them; S3 lets a GOVERNANCE bypass do this).
        Instant sooner = future.minus(Duration.ofDays(20));
        client.putObjectRetention(b -> b.bucket("dated").key("k").bypassGovernanceRetention(true)
                .retention(r -> r.mode("GOVERNANCE").retainUntilDate(sooner)));
        assertThat(store.retainUntil("dated", "k")).contains(sooner);
    }

    @Test
    void anUnknownObjectLockModeIsNamed() {
        assertThatThrownBy(() -> new ObjectOptions("", "", "", "FOREVER")).hasMessage("object-lock-mode must be GOVERNANCE, COMPLIANCE or OFF, got: FOREVER");
    }
}
