package dev.vigil.verifier.pipeline;

/**
 * The restore could not run at all: the stored object could not be read, or the server refused. The
 * message says what failed and what to check; it names no password.
 */
public final class RestoreException extends Exception {

    RestoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The destination's server refused a connection or a statement, or could not be reached over TLS. */
    public static RestoreException serverRefused(Destination destination, java.sql.SQLException e) {
        if (dev.vigil.pgclients.TlsFailures.isTls(e)) {
            return new RestoreException(DatabaseServer.tlsProblem(destination.server(), destination.serverName(), destination.settings(),
                    e.getMessage()), e);
        }
        return new RestoreException(destination.serverName() + " (" + destination.server().host() + ":" + destination.server().port()
                + ") refused the restore: " + e.getMessage() + "; check its settings, that its role may create databases, and that it owns "
                + "a database it must drop", e);
    }
}
