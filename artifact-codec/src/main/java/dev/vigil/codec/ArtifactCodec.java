package dev.vigil.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.crypto.SecretKey;

/**
 * Wraps pg_dump's output for staging and unwraps it for restore: compressed first, then encrypted
 * when a key is given. Closing an encoder finishes both layers and closes the sink.
 */
public final class ArtifactCodec {

    private ArtifactCodec() {
    }

    /** A key to encrypt under, by id. */
    public record EncryptionKey(String id, SecretKey key) {

        @Override
        public String toString() {
            return "EncryptionKey[" + id + "]";
        }
    }

    /**
     * @param key     null for no encryption
     * @param workers zstd worker threads, 0 for none
     */
    public static OutputStream encoder(OutputStream sink, Compression compression, int level, int workers, EncryptionKey key)
            throws IOException {
        OutputStream encrypted = key == null ? sink : SegmentedAesGcm.encrypt(sink, key.id(), key.key());
        return compression.compress(encrypted, level, workers);
    }

    /**
     * Unwraps an artifact as its event describes it: decrypted under the key the event names (the
     * artifact's header must name the same key), then decompressed.
     *
     * @param keyId the key id the artifact's event names, null when it says the artifact is not encrypted
     */
    public static InputStream decoder(InputStream source, Compression compression, String keyId, Keyring keyring) throws IOException {
        InputStream decrypted = keyId == null ? source : SegmentedAesGcm.decrypt(source, keyId, keyring);
        return compression.decompress(decrypted);
    }
}
