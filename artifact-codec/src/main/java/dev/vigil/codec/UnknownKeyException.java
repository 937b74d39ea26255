package dev.vigil.codec;

import java.io.IOException;

/** The artifact is encrypted under a key this process does not hold. */
public class UnknownKeyException extends IOException {

    public UnknownKeyException(String keyId, java.util.Set<String> held) {
        super("the artifact is encrypted under key '" + keyId + "', which is not among the keys held here ("
                + (held.isEmpty() ? "none" : String.join(", ", held)) + "); add it to VIGIL_ENCRYPTION_KEYS");
    }
}
