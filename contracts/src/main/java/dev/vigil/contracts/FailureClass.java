package dev.vigil.contracts;

/** What kind of failure ended a job, so alerts and dashboards can group and advise. */
public enum FailureClass {
    /** The request names a target Vigil does not know. */
    UNKNOWN_TARGET,
    /** The database could not be reached in time. */
    UNREACHABLE,
    /** The database refused the credentials. */
    AUTHENTICATION,
    /** The role may not read an object it must dump. */
    PERMISSION_DENIED,
    /** No installed pg_dump can dump this server version. */
    VERSION_MISMATCH,
    /** Staging could not take the artifact (disk full, not writable). */
    STAGING,
    /** pg_dump exited with an error not classified above. */
    DUMP_ERROR,
    /** The destination store refused or lost the artifact. */
    STORAGE,
    /** The backup could not be restored for verification. */
    RESTORE,
    /** The backup was restored but differs from what the source held; the verdict lists how. */
    VERIFICATION_FAILED,
    /** Anything else; the reason says what. */
    INTERNAL
}
