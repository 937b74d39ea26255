package dev.vigil.codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An age X25519 identity ({@code AGE-SECRET-KEY-1...}): the secret key that decrypts artifacts
 * encrypted to its {@linkplain #recipient() recipient}. Read from an identity file as
 * {@code age-keygen} writes it, never from settings themselves; never printed. Immutable, thread-safe.
 */
public final class AgeIdentity {

    private final byte[] secretKey;
    private final AgeRecipient recipient;

    private AgeIdentity(byte[] secretKey) {
        this.secretKey = secretKey;
        this.recipient = AgeRecipient.of(AgeFile.x25519(secretKey, AgeFile.BASEPOINT));
    }

    /** Parses one {@code AGE-SECRET-KEY-1...} line; a mistake is described without repeating the key. */
    public static AgeIdentity parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        Bech32.Decoded decoded;
        try {
            decoded = Bech32.decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an age identity is not valid: " + e.getMessage());
        }
        if (!decoded.hrp().equals("age-secret-key-") || decoded.data().length != 32 || !trimmed.startsWith("AGE-SECRET-KEY-1")) {
            throw new IllegalArgumentException("an age identity is not an X25519 identity (AGE-SECRET-KEY-1..., as age-keygen writes it)");
        }
        return new AgeIdentity(decoded.data());
    }

    /**
     * Reads an age identity file ({@code age-keygen -o FILE}): one identity per line, {@code #}
     * comments and blank lines skipped. Mistakes name the file and line, never the key.
     */
    public static List<AgeIdentity> load(Path file) throws IOException {
        List<AgeIdentity> identities = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                identities.add(parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (identities.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no age identity (AGE-SECRET-KEY-1...)");
        }
        return List.copyOf(identities);
    }

    public AgeRecipient recipient() {
        return recipient;
    }

    byte[] secretKey() {
        return secretKey.clone();
    }

    @Override
    public String toString() {
        return "AgeIdentity[" + recipient.id() + "]";
    }
}
