package dev.vigil.storage.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ArtifactStore} promises, whatever holds the bytes: each backend's test extends
 * this with a fresh, empty store per test. An artifact appears under its key only when all of it
 * arrived with the SHA-256 the dump worker wrote; anything less leaves nothing there.
 */
abstract class ArtifactStoreContract {

    /** Larger than one multipart part (5 MiB), so an S3 upload takes more than one. */
    static final int LARGE = 6 * 1024 * 1024 + 17;

    /** A fresh store holding nothing. */
    abstract ArtifactStore store();

    /** What a backend may leave beside its objects after a refused or broken upload (e.g. an incomplete S3 multipart upload): none. */
    abstract void assertNothingLeftBehind(ArtifactStore store);

    @Test
    void anUploadedArtifactIsHeldListedAndReadBackWhole() throws IOException {
        ArtifactStore store = store();
        byte[] bytes = random(LARGE, 1);

        store.upload("shop/2026/a.dump", new ByteArrayInputStream(bytes), bytes.length, Sha256.of(bytes));

        assertThat(store.holds("shop/2026/a.dump", bytes.length, Sha256.of(bytes))).isTrue();
        assertThat(store.exists(store.bucket(), "shop/2026/a.dump")).isTrue();
        assertThat(store.list(store.bucket(), "shop/")).containsExactly("shop/2026/a.dump");
        assertThat(store.read(store.bucket(), "shop/2026/a.dump")).isEqualTo(bytes);
        assertNothingLeftBehind(store);
    }

    @Test
    void anArtifactIsHeldOnlyUnderItsKeyAndAtItsSize() throws IOException {
        ArtifactStore store = store();
        byte[] bytes = random(1000, 2);
        store.upload("shop/a.dump", new ByteArrayInputStream(bytes), bytes.length, Sha256.of(bytes));

        assertThat(store.holds("shop/a.dump", bytes.length + 1, Sha256.of(bytes))).as("another size").isFalse();
        assertThat(store.holds("shop/b.dump", bytes.length, Sha256.of(bytes))).as("another key").isFalse();
        assertThat(store.exists(store.bucket(), "shop/b.dump")).isFalse();
    }

    @Test
    void uploadingAgainUnderAKeyReplacesWhatItHeld() throws IOException {
        ArtifactStore store = store();
        byte[] first = random(2000, 3);
        byte[] second = random(3000, 4);
        store.upload("shop/a.dump", new ByteArrayInputStream(first), first.length, Sha256.of(first));

        store.upload("shop/a.dump", new ByteArrayInputStream(second), second.length, Sha256.of(second));

        assertThat(store.holds("shop/a.dump", second.length, Sha256.of(second))).isTrue();
        assertThat(store.read(store.bucket(), "shop/a.dump")).isEqualTo(second);
        assertThat(store.list(store.bucket(), "shop/")).containsExactly("shop/a.dump");
    }

    @Test
    void bytesThatDoNotMatchTheWorkersChecksumAreRefusedAndLeaveNothingUnderTheKey() {
        ArtifactStore store = store();
        byte[] bytes = random(LARGE, 5);
        String workers = Sha256.of(random(LARGE, 6));

        assertThatThrownBy(() -> store.upload("shop/a.dump", new ByteArrayInputStream(bytes), bytes.length, workers))
                .isInstanceOfSatisfying(ChecksumMismatchException.class, e -> assertThat(e.found()).isEqualTo(Sha256.of(bytes)));

        assertThat(store.exists(store.bucket(), "shop/a.dump")).isFalse();
        assertThat(store.list(store.bucket(), "shop/")).isEmpty();
        assertNothingLeftBehind(store);
    }

    @Test
    void aStreamThatBreaksMidwayLeavesNothingUnderTheKey() {
        ArtifactStore store = store();
        byte[] bytes = random(LARGE, 7);
        IOException broken = new IOException("staging went away");

        assertThatThrownBy(() -> store.upload("shop/a.dump", breaksAfter(bytes, LARGE - 1024, broken), bytes.length, Sha256.of(bytes)))
                .satisfies(thrown -> assertThat(causes(thrown)).as("the failure, or what it was wrapped in").contains(broken));

        assertThat(store.exists(store.bucket(), "shop/a.dump")).isFalse();
        assertThat(store.list(store.bucket(), "shop/")).isEmpty();
        assertNothingLeftBehind(store);
    }

    @Test
    void aStoredArtifactReadsThroughToItsSizeAndChecksumAsItIsNowAndAMissingOneToNothing() throws IOException {
        ArtifactStore store = store();
        byte[] bytes = random(LARGE, 9);
        store.upload("shop/a.dump", new ByteArrayInputStream(bytes), bytes.length, Sha256.of(bytes));

        assertThat(store.digest(store.bucket(), "shop/a.dump")).contains(new ObjectDigest(bytes.length, Sha256.of(bytes)));
        assertThat(store.digest(store.bucket(), "shop/b.dump")).isEmpty();

        store.putSmall(store.bucket(), "shop/a.dump", "something else".getBytes(), "application/octet-stream");
        assertThat(store.digest(store.bucket(), "shop/a.dump")).contains(new ObjectDigest(14, Sha256.of("something else".getBytes())));
    }

    @Test
    void smallObjectsAreWrittenWholeAndReplaced() {
        ArtifactStore store = store();

        store.putSmall(store.bucket(), "shop/a.dump.manifest.json", "{\"state\":\"PENDING\"}".getBytes(), "application/json");
        store.putSmall(store.bucket(), "shop/a.dump.manifest.json", "{\"state\":\"VERIFIED\"}".getBytes(), "application/json");

        assertThat(new String(store.read(store.bucket(), "shop/a.dump.manifest.json"))).isEqualTo("{\"state\":\"VERIFIED\"}");
        assertThat(store.list(store.bucket(), "shop/")).containsExactly("shop/a.dump.manifest.json");
    }

    @Test
    void listingGivesEveryKeyUnderThePrefixInKeyOrderAndNoOther() {
        ArtifactStore store = store();
        for (String key : new String[] {"shop/2/b", "shop/1/a", "shop/1/a.manifest.json", "shopping/1/a", "other/shop/1"}) {
            store.putSmall(store.bucket(), key, key.getBytes(), "text/plain");
        }

        assertThat(store.list(store.bucket(), "shop/")).containsExactly("shop/1/a", "shop/1/a.manifest.json", "shop/2/b");
        assertThat(store.list(store.bucket(), "nothing/")).isEmpty();
    }

    @Test
    void deletingRemovesTheObjectAndIsQuietWhenThereIsNone() {
        ArtifactStore store = store();
        store.putSmall(store.bucket(), "shop/a", "a".getBytes(), "text/plain");
        store.putSmall(store.bucket(), "shop/b", "b".getBytes(), "text/plain");

        store.delete(store.bucket(), "shop/a");
        store.delete(store.bucket(), "shop/never-there");

        assertThat(store.exists(store.bucket(), "shop/a")).isFalse();
        assertThat(store.list(store.bucket(), "shop/")).containsExactly("shop/b");
        assertThatThrownBy(() -> store.read(store.bucket(), "shop/a")).isInstanceOf(RuntimeException.class);
    }

    @Test
    void aStoreWithoutObjectLockSetsNoRetainUntilDate() throws IOException {
        ArtifactStore store = store();
        byte[] bytes = random(100, 8);
        store.upload("shop/a.dump", new ByteArrayInputStream(bytes), bytes.length, Sha256.of(bytes));

        assertThat(store.retainAtLeastUntil(store.bucket(), "shop/a.dump", Instant.now().plus(7, ChronoUnit.DAYS))).isEmpty();
        assertThat(store.setsRetainUntilDates(store.bucket())).isFalse();
        assertThat(store.retainUntil(store.bucket(), "shop/a.dump")).isEmpty();
    }

    private static List<Throwable> causes(Throwable thrown) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = thrown; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The bytes up to {@code limit}, then {@code failure}, as a staged file on a disk that went away. */
    private static InputStream breaksAfter(byte[] bytes, int limit, IOException failure) {
        return new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (position >= limit) {
                    throw failure;
                }
                int n = Math.min(length, limit - position);
                System.arraycopy(bytes, position, buffer, offset, n);
                position += n;
                return n;
            }
        };
    }
}
