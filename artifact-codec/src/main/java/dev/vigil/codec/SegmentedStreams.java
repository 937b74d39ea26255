package dev.vigil.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * The streaming-AEAD shape both encrypted formats share (Vigil's segmented AES-GCM and age's
 * ChaCha20-Poly1305 STREAM): plaintext in segments of a fixed size, each sealed on its own with a
 * nonce made of its index and a last-segment flag, so neither side holds more than one segment and
 * a truncation at a segment boundary fails authentication. What differs, the cipher and its nonce,
 * is the format's {@link Segments}.
 */
final class SegmentedStreams {

    /** One format's segments: their size, and a cipher readied for one of them. */
    interface Segments {

        int size();

        int tag();

        /** The cipher initialised for segment {@code index} (the last one when {@code last}), in {@code mode}. */
        Cipher init(Cipher cipher, int mode, long index, boolean last) throws GeneralSecurityException;

        /** A new cipher of the format's algorithm, for one stream. */
        Cipher newCipher() throws IOException;

        /** Damage found in segment {@code index}: {@code truncated}, or its tag did not authenticate. */
        ArtifactDamagedException damaged(long index, boolean truncated);

        /** Whether a last segment holding nothing may follow other segments (age forbids it). */
        default boolean emptyLastAfterOthers() {
            return true;
        }
    }

    private SegmentedStreams() {
    }

    /** Seals what is written into {@code out}; closing the result seals the last segment and closes {@code out}. */
    static OutputStream sealing(OutputStream out, Segments segments) throws IOException {
        return new Sealing(out, segments);
    }

    /** Opens the segments {@code in} holds; any segment changed, moved or cut short is {@link ArtifactDamagedException}. */
    static InputStream opening(InputStream in, Segments segments) throws IOException {
        return new Opening(in, segments);
    }

    private static final class Sealing extends OutputStream {

        private final OutputStream out;
        private final Segments segments;
        private final Cipher cipher;
        private final byte[] buffer;
        private final byte[] sealed;
        private int filled;
        private long index;
        private boolean closed;

        Sealing(OutputStream out, Segments segments) throws IOException {
            this.out = out;
            this.segments = segments;
            this.cipher = segments.newCipher();
            this.buffer = new byte[segments.size()];
            this.sealed = new byte[segments.size() + segments.tag()];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (filled == buffer.length) {
                    // More data follows, so the full buffer is not the last segment.
                    seal(false);
                }
                int n = Math.min(length, buffer.length - filled);
                System.arraycopy(bytes, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
            }
        }

        private void seal(boolean last) throws IOException {
            try {
                int length = segments.init(cipher, Cipher.ENCRYPT_MODE, index++, last).doFinal(buffer, 0, filled, sealed, 0);
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
    private static final class Opening extends InputStream {

        private final InputStream in;
        private final Segments segments;
        private final Cipher cipher;
        private final byte[] sealed;
        private final byte[] segment;
        private int plainLength;
        private int position;
        private long index;
        private boolean finished;
        private int peeked = -2;

        Opening(InputStream in, Segments segments) throws IOException {
            this.in = in;
            this.segments = segments;
            this.cipher = segments.newCipher();
            this.sealed = new byte[segments.size() + segments.tag()];
            this.segment = new byte[segments.size() + segments.tag()];
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
            length += in.readNBytes(sealed, length, sealed.length - length);
            peeked = in.read();
            boolean last = peeked < 0;
            int tag = segments.tag();
            if (length < tag || last && length == tag && index > 0 && !segments.emptyLastAfterOthers()) {
                throw segments.damaged(index, true);
            }
            try {
                plainLength = segments.init(cipher, Cipher.DECRYPT_MODE, index, last).doFinal(sealed, 0, length, segment, 0);
            } catch (AEADBadTagException e) {
                throw segments.damaged(index, false);
            } catch (GeneralSecurityException e) {
                throw new IOException("decryption failed: " + e.getMessage(), e);
            }
            index++;
            position = 0;
            finished = last;
        }
    }
}
