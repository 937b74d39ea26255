package dev.vigil.verifier.pipeline;

/**
 * The restore could not run at all: the stored object could not be read, or the server refused. The
 * message says what failed and what to check; it names no password.
 */
public final class RestoreException extends Exception {

    RestoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The destination's server refused a connection or a statement. */
    public static RestoreException serverRefused(Destination destination, java.sql.SQLException e) {
        return new RestoreException(destination.serverName() + " (" + destination.server().host() + ":" + destination.server().port()
                + ") refused the restore: " + e.getMessage() + "; check its settings, that its role may create databases, and that it owns "
                + "a database it must drop", e);
    }
}
