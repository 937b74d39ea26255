package dev.vigil.notifier;

/** What went wrong with a target; at most one incident of each kind is open per target. */
public enum IncidentKind {
    BACKUP_FAILING(Severity.CRITICAL, "backups failing"),
    VERIFICATION_FAILING(Severity.CRITICAL, "verification failing"),
    INCONCLUSIVE(Severity.WARNING, "verification inconclusive"),
    STALE(Severity.CRITICAL, "no recent verified backup"),
    SIZE_ANOMALY(Severity.WARNING, "size anomaly"),
    CONTENT_ANOMALY(Severity.WARNING, "content anomaly"),
    COPY_DAMAGED(Severity.CRITICAL, "stored copy damaged"),
    NO_LONGER_RESTORES(Severity.CRITICAL, "kept backup no longer restores");

    private final Severity severity;
    private final String description;

    IncidentKind(Severity severity, String description) {
        this.severity = severity;
        this.description = description;
    }

    public Severity severity() {
        return severity;
    }

    /** Lower-case words for messages, e.g. "backups failing". */
    public String description() {
        return description;
    }
}
