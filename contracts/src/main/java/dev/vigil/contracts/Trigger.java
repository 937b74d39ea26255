package dev.vigil.contracts;

/** Why a backup was requested. */
public enum Trigger {
    /** A target's cron schedule fired. */
    SCHEDULE,
    /** Someone called the REST API. */
    API,
    /** A team published {@link BackupRequested} itself, e.g. before a migration. */
    EXTERNAL,
    /**
     * An operator registered a dump made outside Vigil ({@code POST /api/v1/jobs}); no worker takes the
     * job, the outside runner reports its artifact or failure ({@code PATCH /api/v1/jobs/{jobId}}).
     */
    REGISTERED
}
