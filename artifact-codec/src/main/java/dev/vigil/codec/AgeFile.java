package dev.vigil.codec;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The age file format, version 1 (https://age-encryption.org/v1), with X25519 recipients, written
 * and read with the JDK's own X25519 and ChaCha20-Poly1305: a random 16-byte file key wrapped for
 * the recipient in the header, the header authenticated by HMAC-SHA256 under a key derived from the
 * file key, then a 16-byte nonce and the payload in ChaCha20-Poly1305 STREAM chunks of 64 KiB under
 * {@code HKDF-SHA256(file key, nonce, "payload")}. Any age implementation reads what this writes,
 * and this reads what {@code age -r} writes. Stateless; each stream is for one thread.
 */
final class AgeFile {

    static final byte[] BASEPOINT = basepoint();
    static final int CHUNK = 64 * 1024;
    private static final int TAG = 16;
    private static final String VERSION = "age-encryption.org/v1";
    private static final byte[] X25519_INFO = "age-encryption.org/v1/X25519".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LINE = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private AgeFile() {
    }

    /** Encrypts what is written into {@code out} to {@code recipient}; closing the result writes the last chunk and closes {@code out}. */
    static OutputStream encrypt(OutputStream out, AgeRecipient recipient) throws IOException {
        byte[] fileKey = random(16);
        byte[] ephemeral = random(32);
        byte[] share = x25519(ephemeral, BASEPOINT);
        byte[] wrapKey = Hkdf.sha256(x25519(ephemeral, recipient.publicKey()), concat(share, recipient.publicKey()), X25519_INFO, 32);
        byte[] body = chacha(Cipher.ENCRYPT_MODE, wrapKey, new byte[12], fileKey);
        String header = VERSION + "\n-> X25519 " + BASE64.encodeToString(share) + "\n" + BASE64.encodeToString(body) + "\n---";
        byte[] mac = mac(fileKey, header.getBytes(StandardCharsets.US_ASCII));
        out.write((header + " " + BASE64.encodeToString(mac) + "\n").getBytes(StandardCharsets.US_ASCII));
        byte[] nonce = random(16);
        out.write(nonce);
        return SegmentedStreams.sealing(out, payload(Hkdf.sha256(fileKey, nonce, bytes("payload"), 32)));
    }

    /** Whether {@code head} begins with an age file's version line. */
    static boolean startsAgeFile(byte[] head) {
        byte[] line = (VERSION + "\n").getBytes(StandardCharsets.US_ASCII);
        return head.length >= line.length && Arrays.equals(Arrays.copyOf(head, line.length), line);
    }

    /**
     * Decrypts an age file with the identity the event's key id names. A file that is not age, is
     * not encrypted to that identity, or whose header or payload is changed or cut short is damage.
     */
    static InputStream decrypt(InputStream source, String keyId, Keyring keyring) throws IOException {
        AgeIdentity identity = keyring.ageIdentity(keyId).orElseThrow(() -> UnknownKeyException.ageIdentity(keyId));
        InputStream in = new BufferedInputStream(source, CHUNK + TAG);
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
        if (!VERSION.equals(line(in, headerBytes, "the age version line"))) {
            throw new ArtifactDamagedException("not an age-encrypted artifact (its header is missing or damaged)");
        }
        List<List<String>> stanzas = new ArrayList<>();
        String line = line(in, headerBytes, "a recipient stanza");
        while (line.startsWith("-> ")) {
            List<String> stanza = new ArrayList<>(Arrays.asList(line.substring(3).split(" ", -1)));
            StringBuilder body = new StringBuilder();
            String bodyLine;
            do {
                bodyLine = line(in, headerBytes, "a recipient stanza");
                body.append(bodyLine);
            } while (bodyLine.length() == 64);
            if (bodyLine.length() > 64) {
                throw damaged("a recipient stanza's body is malformed");
            }
            stanza.add(body.toString());
            stanzas.add(stanza);
            line = line(in, headerBytes, "the header's MAC line");
        }
        if (!line.startsWith("--- ") || stanzas.isEmpty()) {
            throw damaged("the header is malformed");
        }
        byte[] fileKey = null;
        for (List<String> stanza : stanzas) {
            if (stanza.size() == 3 && stanza.get(0).equals("X25519")) {
                fileKey = unwrap(identity, base64(stanza.get(1), 32), base64(stanza.get(2), 32));
                if (fileKey != null) {
                    break;
                }
            }
        }
        if (fileKey == null) {
            throw new ArtifactDamagedException("the artifact is not encrypted to the age recipient its event names (" + keyId
                    + "); the artifact is not the one the event describes");
        }
        byte[] authenticated = Arrays.copyOf(headerBytes.toByteArray(), headerBytes.size() - line.length() - 1 + 3);
        if (!MessageDigest.isEqual(mac(fileKey, authenticated), base64(line.substring(4), 32))) {
            throw damaged("the header's MAC does not match: the header was changed");
        }
        byte[] nonce = in.readNBytes(16);
        if (nonce.length < 16) {
            throw damaged("the artifact ends before its payload (truncated)");
        }
        return SegmentedStreams.opening(in, payload(Hkdf.sha256(fileKey, nonce, bytes("payload"), 32)));
    }

    /** The file key, or null when the stanza is not for this identity. */
    private static byte[] unwrap(AgeIdentity identity, byte[] share, byte[] body) throws IOException {
        byte[] shared;
        try {
            shared = x25519(identity.secretKey(), share);
        } catch (IllegalStateException e) {
            throw damaged("a recipient stanza holds an invalid X25519 share");
        }
        byte[] wrapKey = Hkdf.sha256(shared, concat(share, identity.recipient().publicKey()), X25519_INFO, 32);
        try {
            Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(wrapKey, "ChaCha20"), new IvParameterSpec(new byte[12]));
            return cipher.doFinal(body);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IOException("ChaCha20-Poly1305 failed: " + e.getMessage(), e);
        }
    }

    /** X25519 (RFC 7748) of a 32-byte scalar and a 32-byte u-coordinate, both little-endian as age writes them. */
    static byte[] x25519(byte[] scalar, byte[] u) {
        try {
            KeyFactory factory = KeyFactory.getInstance("XDH");
            PrivateKey privateKey = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
            byte[] bigEndian = new byte[32];
            for (int i = 0; i < 32; i++) {
                bigEndian[i] = u[31 - i];
            }
            bigEndian[0] &= 0x7f;
            PublicKey publicKey = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(privateKey);
            agreement.doPhase(publicKey, true);
            // The JDK refuses an all-zero result (a low-order point), as age requires.
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 failed: " + e.getMessage(), e);
        }
    }

    private static byte[] mac(byte[] fileKey, byte[] header) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Hkdf.sha256(fileKey, new byte[0], bytes("header"), 32), "HmacSHA256"));
            return mac.doFinal(header);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] chacha(int mode, byte[] key, byte[] nonce, byte[] input) throws IOException {
        try {
            Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
            cipher.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IOException("ChaCha20-Poly1305 failed: " + e.getMessage(), e);
        }
    }

    /** Reads one header line (without its newline) and keeps its bytes for the MAC. */
    private static String line(InputStream in, ByteArrayOutputStream headerBytes, String what) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw damaged("the artifact ends inside its age header, in " + what + " (truncated)");
            }
            if (b < 32 || b > 126 || line.length() == MAX_LINE) {
                throw new ArtifactDamagedException("not an age-encrypted artifact (its header is missing or damaged)");
            }
            line.append((char) b);
            headerBytes.write(b);
        }
        headerBytes.write('\n');
        return line.toString();
    }

    /** Canonical unpadded base64 of exactly {@code length} bytes, as age requires. */
    private static byte[] base64(String text, int length) throws ArtifactDamagedException {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw damaged("the header holds invalid base64");
        }
        if (decoded.length != length || !BASE64.encodeToString(decoded).equals(text)) {
            throw damaged("the header holds a value of the wrong length or non-canonical base64");
        }
        return decoded;
    }

    private static ArtifactDamagedException damaged(String what) {
        return new ArtifactDamagedException("the age-encrypted artifact is damaged: " + what);
    }

    private static byte[] nonce(long counter, boolean last) {
        // 11-byte big-endian chunk counter and the last-chunk flag.
        return ByteBuffer.allocate(12).putLong(3, counter).put(11, (byte) (last ? 1 : 0)).array();
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] basepoint() {
        byte[] u = new byte[32];
        u[0] = 9;
        return u;
    }

    private static Cipher cipher() throws IOException {
        try {
            return Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IOException("ChaCha20-Poly1305 is not available: " + e.getMessage(), e);
        }
    }

    /** age's payload: ChaCha20-Poly1305 STREAM in 64 KiB chunks, the nonce an 11-byte counter and the last-chunk flag. */
    private static SegmentedStreams.Segments payload(byte[] payloadKey) {
        SecretKeySpec key = new SecretKeySpec(payloadKey, "ChaCha20");
        return new SegmentedStreams.Segments() {
            @Override
            public int size() {
                return CHUNK;
            }

            @Override
            public int tag() {
                return TAG;
            }

            @Override
            public Cipher newCipher() throws IOException {
                return cipher();
            }

            @Override
            public Cipher init(Cipher cipher, int mode, long index, boolean last) throws GeneralSecurityException {
                cipher.init(mode, key, new IvParameterSpec(nonce(index, last)));
                return cipher;
            }

            @Override
            public ArtifactDamagedException damaged(long index, boolean truncated) {
                return AgeFile.damaged(truncated ? "the payload is truncated in chunk " + index
                        : "authentication failed in chunk " + index + " (changed or truncated)");
            }

            @Override
            public boolean emptyLastAfterOthers() {
                // The last chunk may be full; it is empty only when the whole payload is.
                return false;
            }
        };
    }
}
