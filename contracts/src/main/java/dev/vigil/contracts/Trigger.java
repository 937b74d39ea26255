package dev.vigil.contracts;

/** Why a backup was requested. */
public enum Trigger {
    /** A target's cron schedule fired. */
    SCHEDULE,
    /**
     * The scheduler was down when a target's schedule was due: one backup on its return for the firings
     * it missed, unless the target's newest verified backup is younger than its schedule's interval
     * (since v3 of {@link BackupRequested}).
     */
    CATCH_UP,
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
