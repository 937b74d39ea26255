package dev.vigil.contracts;

/** Why a backup was requested. */
public enum Trigger {
    /** A target's cron schedule fired. */
    SCHEDULE,
    /** Someone called the REST API. */
    API,
    /** A team published {@link BackupRequested} itself, e.g. before a migration. */
    EXTERNAL
}
