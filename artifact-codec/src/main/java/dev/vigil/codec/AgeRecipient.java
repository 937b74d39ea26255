package dev.vigil.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An age X25519 recipient ({@code age1...}, https://age-encryption.org/v1): a public key artifacts
 * can be encrypted to by a process that cannot decrypt them. Its {@linkplain #id() key id}, what
 * events carry, is {@code age:} and 16 hex digits of the SHA-256 of the recipient string, so the
 * reader can pick the matching identity. Not secret; immutable, thread-safe.
 */
public final class AgeRecipient implements ArtifactCodec.Encryption {

    /** How the key ids of age artifacts begin; the AES keyring's ids cannot contain ':'. */
    public static final String ID_PREFIX = "age:";

    private final String text;
    private final byte[] publicKey;

    private AgeRecipient(String text, byte[] publicKey) {
        this.text = text;
        this.publicKey = publicKey;
    }

    /** Parses an {@code age1...} recipient, as {@code age-keygen} prints it. */
    public static AgeRecipient parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        Bech32.Decoded decoded;
        try {
            decoded = Bech32.decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the age recipient '" + trimmed + "' is not valid: " + e.getMessage());
        }
        if (!decoded.hrp().equals("age") || decoded.data().length != 32 || !trimmed.startsWith("age1")) {
            throw new IllegalArgumentException("the age recipient '" + trimmed + "' is not an X25519 recipient (age1..., as age-keygen -y prints)");
        }
        return new AgeRecipient(trimmed, decoded.data());
    }

    static AgeRecipient of(byte[] publicKey) {
        return new AgeRecipient(Bech32.encode("age", publicKey), publicKey.clone());
    }

    byte[] publicKey() {
        return publicKey.clone();
    }

    /** The key id events carry for artifacts encrypted to this recipient. */
    @Override
    public String id() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
            return ID_PREFIX + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AgeRecipient that && that.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The {@code age1...} string, as {@code age -r} takes it. */
    @Override
    public String toString() {
        return text;
    }
}
