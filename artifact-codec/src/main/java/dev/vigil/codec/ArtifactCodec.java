package dev.vigil.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.crypto.SecretKey;

/**
 * Wraps pg_dump's output for staging and unwraps it for restore: compressed first, then encrypted
 * when a key is given, either under a key of the keyring ({@link SegmentedAesGcm}, format 2) or to an
 * age recipient (a standard age file, see {@link AgeRecipient}). Closing an encoder finishes both
 * layers and closes the sink.
 */
public final class ArtifactCodec {

    private ArtifactCodec() {
    }

    /** What an artifact is encrypted with; its {@link #id()} is what the artifact's event names as {@code encryptionKeyId}. */
    public sealed interface Encryption permits EncryptionKey, AgeRecipient {

        String id();
    }

    /** A key to encrypt under, by id. */
    public record EncryptionKey(String id, SecretKey key) implements Encryption {

        @Override
        public String toString() {
            return "EncryptionKey[" + id + "]";
        }
    }

    /**
     * How a stored artifact is encrypted, as its first bytes say, for a reader that has no event
     * describing it (the {@code vigil decode} command line).
     */
    public sealed interface Envelope {

        /** Encrypted by Vigil ({@link SegmentedAesGcm}) under the key its header names. */
        record Keyed(String keyId) implements Envelope {
        }

        /** An age file; which recipient it is encrypted to shows only when an identity opens it. */
        record Age() implements Envelope {
        }

        /** Not encrypted: compressed, or pg_dump's output itself. */
        record Clear() implements Envelope {
        }
    }

    /** The number of first bytes {@link #envelope} needs to tell them apart. */
    public static final int ENVELOPE_HEAD = 4 + 2 + 255;

    /** How the artifact that starts with {@code head} (its first {@link #ENVELOPE_HEAD} bytes, or all of a shorter one) is encrypted. */
    public static Envelope envelope(byte[] head) {
        if (AgeFile.startsAgeFile(head)) {
            return new Envelope.Age();
        }
        return SegmentedAesGcm.keyIdIn(head).<Envelope>map(Envelope.Keyed::new).orElseGet(Envelope.Clear::new);
    }

    /**
     * @param encryption null for no encryption
     * @param workers    zstd worker threads, 0 for none
     */
    public static OutputStream encoder(OutputStream sink, Compression compression, int level, int workers, Encryption encryption)
            throws IOException {
        OutputStream encrypted = switch (encryption) {
            case null -> sink;
            case EncryptionKey key -> SegmentedAesGcm.encrypt(sink, key.id(), key.key());
            case AgeRecipient recipient -> AgeFile.encrypt(sink, recipient);
        };
        return compression.compress(encrypted, level, workers);
    }

    /**
     * Unwraps an artifact as its event describes it: decrypted under the key the event names (the
     * artifact's header must name the same key; an age artifact must be encrypted to the recipient the
     * key id names), then decompressed.
     *
     * @param keyId the key id the artifact's event names, null when it says the artifact is not encrypted
     */
    public static InputStream decoder(InputStream source, Compression compression, String keyId, Keyring keyring) throws IOException {
        InputStream decrypted = keyId == null ? source
                : keyId.startsWith(AgeRecipient.ID_PREFIX) ? AgeFile.decrypt(source, keyId, keyring)
                : SegmentedAesGcm.decrypt(source, keyId, keyring);
        return compression.decompress(decrypted);
    }
}
