package dev.vigil.storage.destination;

import dev.vigil.contracts.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/** What a stored object holds, as read through once: its size and SHA-256 (lower-case hex, as {@link Sha256} writes it). */
public record ObjectDigest(long size, String sha256) {

    /** Reads {@code in} to its end, streaming (one buffer in memory); does not close it. */
    static ObjectDigest of(InputStream in) throws IOException {
        MessageDigest digest = Sha256.digest();
        long size = new DigestInputStream(in, digest).transferTo(OutputStream.nullOutputStream());
        return new ObjectDigest(size, Sha256.hex(digest));
    }
}
