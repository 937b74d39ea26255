package dev.vigil.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
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
        return new Encrypting(out, derive(key, salt), header, prefix);
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
        return new Decrypting(in, format == FORMAT_2 ? derive(key, salt) : key, header(format, keyId, salt, prefix), prefix);
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

    private static Cipher newCipher() throws IOException {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /** Readies one stream's cipher for a segment: a fresh nonce each time, the header as associated data. */
    private static Cipher init(Cipher cipher, int mode, SecretKey key, byte[] header, byte[] prefix, int index, boolean last)
            throws IOException {
        byte[] nonce = ByteBuffer.allocate(12).put(prefix).putInt(index).put((byte) (last ? 1 : 0)).array();
        try {
            cipher.init(mode, key, new GCMParameterSpec(TAG * 8, nonce));
            cipher.updateAAD(header);
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM refused the key: " + e.getMessage(), e);
        }
    }

    private static final class Encrypting extends OutputStream {

        private final OutputStream out;
        private final SecretKey key;
        private final byte[] header;
        private final byte[] prefix;
        private final byte[] buffer = new byte[SEGMENT];
        private final byte[] sealed = new byte[SEGMENT + TAG];
        private final Cipher cipher;
        private int filled;
        private int index;
        private boolean closed;

        Encrypting(OutputStream out, SecretKey key, byte[] header, byte[] prefix) throws IOException {
            this.cipher = newCipher();
            this.out = out;
            this.key = key;
            this.header = header;
            this.prefix = prefix;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (filled == SEGMENT) {
                    // More data follows, so the full buffer is not the last segment.
                    seal(false);
                }
                int n = Math.min(length, SEGMENT - filled);
                System.arraycopy(bytes, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
            }
        }

        private void seal(boolean last) throws IOException {
            try {
                int length = init(cipher, Cipher.ENCRYPT_MODE, key, header, prefix, index++, last).doFinal(buffer, 0, filled, sealed, 0);
                out.write(sealed, 0, length);
            } catch (GeneralSecurityException e) {
                throw new IOException("encryption failed: " + e.getMessage(), e);
            }
            filled = 0;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                try {
                    seal(true);
                } finally {
                    out.close();
                }
            }
        }
    }

    /** Not a FilterInputStream: skip, mark and available must act on the plaintext, not on the ciphertext below. */
    private static final class Decrypting extends InputStream {

        private final InputStream in;
        private final SecretKey key;
        private final byte[] header;
        private final byte[] prefix;
        private final byte[] sealed = new byte[SEGMENT + TAG];
        private final byte[] segment = new byte[SEGMENT + TAG];
        private final Cipher cipher;
        private int plainLength;
        private int position;
        private int index;
        private boolean finished;
        private int peeked = -2;

        Decrypting(InputStream in, SecretKey key, byte[] header, byte[] prefix) throws IOException {
            this.in = in;
            this.cipher = newCipher();
            this.key = key;
            this.header = header;
            this.prefix = prefix;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            while (position == plainLength) {
                if (finished) {
                    return -1;
                }
                nextSegment();
            }
            int n = Math.min(length, plainLength - position);
            System.arraycopy(segment, position, bytes, offset, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return plainLength - position;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private void nextSegment() throws IOException {
            int length = 0;
            if (peeked >= 0) {
                sealed[length++] = (byte) peeked;
            }
            length += in.readNBytes(sealed, length, SEGMENT + TAG - length);
            peeked = in.read();
            boolean last = peeked < 0;
            if (length < TAG) {
                throw new ArtifactDamagedException("the artifact is truncated in segment " + index + " (it ends before the segment's tag)");
            }
            try {
                plainLength = init(cipher, Cipher.DECRYPT_MODE, key, header, prefix, index, last).doFinal(sealed, 0, length, segment, 0);
            } catch (AEADBadTagException e) {
                throw new ArtifactDamagedException("authentication failed in segment " + index
                        + ": the artifact is damaged or truncated (or was not encrypted with this key)");
            } catch (GeneralSecurityException e) {
                throw new IOException("decryption failed: " + e.getMessage(), e);
            }
            index++;
            position = 0;
            finished = last;
        }
    }
}
