package dev.vigil.storage.intake;

import java.io.IOException;
import java.io.InputStream;

/** One object to take in, read where it was uploaded: an S3 bucket of the target's, or an https server. */
interface IntakeSource {

    /**
     * The object's first bytes (at most {@code length}, fewer when it is shorter) and its whole size
     * ({@code -1} when the source does not say).
     *
     * @throws IntakeRefused the object cannot be read: missing (422), not readable with the service's rights (422),
     *                       the source did not answer in time (504) or answered with an error (502)
     */
    Head head(int length) throws IntakeRefused;

    /**
     * The whole object, streaming; the caller closes it.
     *
     * @throws Unreadable the object cannot be read now: for good (gone, no longer allowed) or for a while
     */
    InputStream open() throws IOException;

    record Head(byte[] bytes, long size) {
    }

    /** Reading failed after the registration was accepted; {@code lasting} when trying again cannot help. */
    final class Unreadable extends IOException {
        private final boolean lasting;

        Unreadable(String message, boolean lasting, Throwable cause) {
            super(message, cause);
            this.lasting = lasting;
        }

        boolean lasting() {
            return lasting;
        }
    }
}
