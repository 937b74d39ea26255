package dev.vigil.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import javax.crypto.spec.SecretKeySpec;

/**
 * Runs the codec's encode and decode paths on generated data, as a service starts, so that its first
 * artifact is not also the one that loads zstd's native library and runs SHA-256, AES-GCM and
 * ChaCha20-Poly1305 in the interpreter until the JIT compiles them with their CPU intrinsics (many
 * times slower meanwhile). Each round trip is checked: what is decoded is what was encoded, and both
 * sides of the SHA-256 agree, so a broken native library shows at start-up rather than in a backup.
 * Uses throwaway keys only; touches no file or network. Thread-safe; keeps nothing once it ends.
 */
public final class WarmUp {

    /** What a warm-up ran: the paths (one line each), the bytes that went through each, how long it took. */
    public record Report(List<String> paths, long bytesPerPath, Duration took) {
    }

    /** Enough data that the hot loops of each path are compiled, little enough to take about a second on two cores. */
    public static final int DEFAULT_MEGABYTES = 16;

    private static final int CHUNK = 128 * 1024;
    private static final int BLOCK = 4 << 20;

    private WarmUp() {
    }

    /**
     * Starts {@link #run} on a daemon thread of its own at the lowest priority and answers at once, so
     * start-up and readiness do not wait for it.
     */
    public static CompletableFuture<Report> inBackground(int megabytes, Compression compression, int level, int workers) {
        CompletableFuture<Report> report = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().name("codec-warm-up").daemon().unstarted(() -> {
            try {
                report.complete(run(megabytes, compression, level, workers));
            } catch (Throwable e) {
                report.completeExceptionally(e);
            }
        });
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        return report;
    }

    /**
     * Encodes and decodes {@code megabytes} of dump-like data on the calling thread with
     * {@code compression} (as the service is set to compress; zstd at least, which the verifier may
     * meet in any artifact) under AES-256-GCM, to an age recipient, and in the clear, each with its
     * SHA-256 as a stored artifact has.
     *
     * @throws IOException           a layer failed (a native library that does not load, say)
     * @throws IllegalStateException a round trip did not give back what went in
     */
    public static Report run(int megabytes, Compression compression, int level, int workers) throws IOException {
        long started = System.nanoTime();
        // One block written again and again: zstd's window at these levels is smaller, so each repeat compresses as new data.
        byte[] block = dumpLike(BLOCK);
        int repeats = Math.max(1, (megabytes << 20) / BLOCK);
        SecureRandom random = new SecureRandom();
        byte[] aesKey = new byte[32];
        random.nextBytes(aesKey);
        byte[] ageSecret = new byte[32];
        random.nextBytes(ageSecret);
        AgeIdentity identity = AgeIdentity.parse(Bech32.encode("age-secret-key-", ageSecret).toUpperCase(java.util.Locale.ROOT));
        ArtifactCodec.EncryptionKey key = new ArtifactCodec.EncryptionKey("warm-up", new SecretKeySpec(aesKey, "AES"));
        Keyring keyring = Keyring.parse(key.id() + ":" + Base64.getEncoder().encodeToString(aesKey)).withAgeIdentities(List.of(identity));
        List<String> paths = new ArrayList<>();
        List<Compression> compressions = compression == Compression.ZSTD || compression == Compression.NONE
                ? List.of(Compression.ZSTD) : List.of(compression, Compression.ZSTD);
        for (Compression c : compressions) {
            int levelOf = c == compression ? level : 3;
            roundTrip(block, repeats, c, levelOf, workers, key, keyring);
            paths.add(c.wireName() + " level " + levelOf + " + AES-256-GCM + SHA-256");
        }
        roundTrip(block, repeats, Compression.ZSTD, 3, workers, identity.recipient(), keyring);
        paths.add("zstd level 3 + age (X25519, ChaCha20-Poly1305) + SHA-256");
        roundTrip(block, repeats, Compression.ZSTD, 3, workers, null, keyring);
        paths.add("zstd level 3 + SHA-256");
        return new Report(List.copyOf(paths), (long) repeats * BLOCK, Duration.ofNanos(System.nanoTime() - started));
    }

    private static void roundTrip(byte[] block, int repeats, Compression compression, int level, int workers,
            ArtifactCodec.Encryption encryption, Keyring keyring) throws IOException {
        MessageDigest written = sha256();
        MessageDigest plain = sha256();
        ByteArrayOutputStream artifact = new ByteArrayOutputStream(block.length);
        try (OutputStream out = ArtifactCodec.encoder(new DigestOutputStream(artifact, written), compression, level, workers, encryption)) {
            for (int i = 0; i < repeats; i++) {
                for (int offset = 0; offset < block.length; offset += CHUNK) {
                    out.write(block, offset, Math.min(CHUNK, block.length - offset));
                }
                plain.update(block);
            }
        }
        MessageDigest read = sha256();
        MessageDigest decoded = sha256();
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = ArtifactCodec.decoder(new DigestInputStream(new ByteArrayInputStream(artifact.toByteArray()), read), compression,
                encryption == null ? null : encryption.id(), keyring)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                decoded.update(buffer, 0, n);
            }
        }
        if (!MessageDigest.isEqual(written.digest(), read.digest()) || !MessageDigest.isEqual(decoded.digest(), plain.digest())) {
            throw new IllegalStateException("the codec's warm-up did not decode what it encoded (" + compression.wireName()
                    + (encryption == null ? "" : ", encrypted") + "): the codec is broken on this machine");
        }
    }

    /** Tab-separated rows of numbers, words and hex, compressing about as a table's data does, not like zeros. */
    static byte[] dumpLike(int size) {
        Random random = new Random(size);
        String[] words = {"paid", "shipped", "delivered", "returned", "Berlin", "Paris", "Main St", "gift wrap", "express"};
        StringBuilder text = new StringBuilder(size + 200);
        while (text.length() < size) {
            text.append(random.nextInt(10_000_000)).append('\t').append(words[random.nextInt(words.length)]).append('\t')
                    .append(random.nextInt(100_000) / 100.0).append('\t').append(Long.toHexString(random.nextLong())).append('\n');
        }
        return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
