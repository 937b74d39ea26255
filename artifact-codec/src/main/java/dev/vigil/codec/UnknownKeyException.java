package dev.vigil.codec;

import java.io.IOException;

/** The artifact is encrypted under a key this process does not hold. */
public class UnknownKeyException extends IOException {

    public UnknownKeyException(String keyId, java.util.Set<String> held) {
        super("the artifact is encrypted under key '" + keyId + "', which is not among the keys held here ("
                + (held.isEmpty() ? "none" : String.join(", ", held)) + "); add it to VIGIL_ENCRYPTION_KEYS");
    }

    private UnknownKeyException(String message) {
        super(message);
    }

    /** An age artifact whose identity (secret key) this process does not hold, such as any artifact on a worker that holds only the recipient. */
    static UnknownKeyException ageIdentity(String keyId) {
        return new UnknownKeyException("the artifact is encrypted to age recipient '" + keyId + "' and decrypting it needs that recipient's"
                + " age identity (AGE-SECRET-KEY-1...), which is not held here; a process given only the recipient cannot decode backups."
                + " Give the reader the identity file by reference: VIGIL_AGE_IDENTITY_FILE (vigil.verifier.age-identity-file)");
    }
}
