package dev.vigil.contracts;

/** What a person or a program signed in to Vigil's HTTP APIs may do; each role may do everything the ones before it may. */
public enum Role {
    /** Reads: targets, jobs, verdicts, incidents, reports, retention, the audit log. */
    VIEWER,
    /** Also starts backups and dry runs, registers and completes external dumps, acknowledges incidents. */
    OPERATOR,
    /** Also restores, sets and lifts legal holds, rebuilds the catalog, creates and revokes access tokens. */
    ADMIN;

    /** Whether this role may do what {@code needed} may. */
    public boolean covers(Role needed) {
        return compareTo(needed) >= 0;
    }
}
