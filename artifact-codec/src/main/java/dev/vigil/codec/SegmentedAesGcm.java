package dev.vigil.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Streaming AES-256-GCM in independent segments, so neither side holds more than one segment: the
 * streaming AEAD design of Tink's {@code AesGcmHkdfStreaming}.
 *
 * <p>Format 2 (written): a header ({@code "VGLE"}, format version 2, key id length and key id, a
 * random 32-byte salt, a random 7-byte nonce prefix), then segments of {@value #SEGMENT} plaintext
 * bytes (the last may be full or shorter, and is empty only when nothing was written), each
 * followed by its 16-byte tag. Each artifact is encrypted under its own key, HKDF-SHA256 of the long-lived key named by the
 * key id and the artifact's salt, so random nonces never repeat under one key however many
 * artifacts a key encrypts. A segment's nonce is the prefix, its index (4 bytes) and a last-segment
 * flag, and the whole header is authenticated with every segment, so flipped bytes, reordered
 * segments, a truncation anywhere (even at a segment boundary) and a changed salt, key id or format
 * byte all fail authentication.
 *
 * <p>Format 1 (read only): the same without the salt, every artifact directly under the long-lived
 * key. Stateless; each stream is for one thread.
 */
public final class SegmentedAesGcm {

    static final int SEGMENT = 256 * 1024;
    private static final int TAG = 16;
    private static final byte[] MAGIC = "VGLE".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_1 = 1;
    private static final int FORMAT_2 = 2;
    static final int SALT = 32;
    private static final int PREFIX = 7;
    private static final byte[] DERIVATION_INFO = "vigil artifact format 2 AES-256-GCM".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SegmentedAesGcm() {
    }

    /**
     * Encrypts what is written into {@code out} in format 2 under a key derived from {@code key};
     * closing the result writes the last segment and closes {@code out}.
     */
    public static OutputStream encrypt(OutputStream out, String keyId, SecretKey key) throws IOException {
        byte[] salt = new byte[SALT];
        RANDOM.nextBytes(salt);
        byte[] prefix = new byte[PREFIX];
        RANDOM.nextBytes(prefix);
        byte[] header = header(FORMAT_2, keyId, salt, prefix);
        out.write(header);
        return SegmentedStreams.sealing(out, segments(derive(key, salt), header, prefix));
    }

    /**
     * Decrypts a stream written by {@link #encrypt} (format 2, or format 1 by earlier versions) under
     * {@code expectedKeyId}, taking that key from {@code keyring}. A header naming another key is
     * damage: the artifact is not what its event says.
     */
    public static InputStream decrypt(InputStream in, String expectedKeyId, Keyring keyring) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length + 2);
        if (magic.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(magic, MAGIC.length), MAGIC)) {
            throw new ArtifactDamagedException("not a Vigil-encrypted artifact (its header is missing or damaged)");
        }
        int format = magic[MAGIC.length];
        if (format != FORMAT_1 && format != FORMAT_2) {
            throw new ArtifactDamagedException("the artifact's encryption header names format " + Byte.toUnsignedInt(magic[MAGIC.length])
                    + ", which no Vigil version writes (the header is damaged)");
        }
        byte[] id = in.readNBytes(Byte.toUnsignedInt(magic[MAGIC.length + 1]));
        byte[] salt = format == FORMAT_2 ? in.readNBytes(SALT) : new byte[0];
        byte[] prefix = in.readNBytes(PREFIX);
        if (prefix.length < PREFIX) {
            throw new ArtifactDamagedException("the artifact ends inside its encryption header (truncated)");
        }
        String keyId = new String(id, StandardCharsets.UTF_8);
        if (!keyId.equals(expectedKeyId)) {
            throw new ArtifactDamagedException("the artifact is encrypted under key '" + keyId + "' but its event names key '" + expectedKeyId
                    + "'; the artifact is not the one the event describes");
        }
        SecretKey key = keyring.key(keyId).orElseThrow(() -> new UnknownKeyException(keyId, keyring.ids()));
        return SegmentedStreams.opening(in, segments(format == FORMAT_2 ? derive(key, salt) : key, header(format, keyId, salt, prefix), prefix));
    }

    /** The key id in the header {@code head} begins with; empty when it does not begin with this format's header. */
    static Optional<String> keyIdIn(byte[] head) {
        if (head.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC)
                || head[MAGIC.length] != FORMAT_1 && head[MAGIC.length] != FORMAT_2) {
            return Optional.empty();
        }
        int length = Byte.toUnsignedInt(head[MAGIC.length + 1]);
        if (head.length < MAGIC.length + 2 + length) {
            return Optional.empty();
        }
        return Optional.of(new String(head, MAGIC.length + 2, length, StandardCharsets.UTF_8));
    }

    /** The artifact's own key: Tink's HKDF-SHA256 key derivation, the salt random per artifact. */
    static SecretKey derive(SecretKey key, byte[] salt) {
        return new SecretKeySpec(Hkdf.sha256(key.getEncoded(), salt, DERIVATION_INFO, 32), "AES");
    }

    private static byte[] header(int format, String keyId, byte[] salt, byte[] prefix) {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        if (id.length > 255) {
            throw new IllegalArgumentException("key id too long");
        }
        ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 2 + id.length + salt.length + PREFIX);
        header.put(MAGIC).put((byte) format).put((byte) id.length).put(id).put(salt).put(prefix);
        return header.array();
    }

    /** Format 1 and 2 segments: AES-GCM, the nonce the prefix, the index and the last flag, the header authenticated with each. */
    private static SegmentedStreams.Segments segments(SecretKey key, byte[] header, byte[] prefix) {
        return new SegmentedStreams.Segments() {
            @Override
            public int size() {
                return SEGMENT;
            }

            @Override
            public int tag() {
                return TAG;
            }

            @Override
            public Cipher newCipher() throws IOException {
                try {
                    return Cipher.getInstance("AES/GCM/NoPadding");
                } catch (GeneralSecurityException e) {
                    throw new IOException("AES-GCM is not available: " + e.getMessage(), e);
                }
            }

            @Override
            public Cipher init(Cipher cipher, int mode, long index, boolean last) throws GeneralSecurityException {
                if (index > Integer.MAX_VALUE) {
                    throw new GeneralSecurityException("more segments than a 4-byte counter numbers");
                }
                byte[] nonce = ByteBuffer.allocate(12).put(prefix).putInt((int) index).put((byte) (last ? 1 : 0)).array();
                cipher.init(mode, key, new GCMParameterSpec(TAG * 8, nonce));
                cipher.updateAAD(header);
                return cipher;
            }

            @Override
            public ArtifactDamagedException damaged(long index, boolean truncated) {
                return new ArtifactDamagedException(truncated
                        ? "the artifact is truncated in segment " + index + " (it ends before the segment's tag)"
                        : "authentication failed in segment " + index + ": the artifact is damaged or truncated (or was not encrypted with this key)");
            }
        };
    }
}
