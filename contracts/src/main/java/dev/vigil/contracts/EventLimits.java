package dev.vigil.contracts;

/**
 * The caps on the list fields of events (and on the one free-text field a team may fill at length,
 * a backup request's note), so that no event can grow past what the broker takes (the
 * producers' {@code max.request.size} is 16 MiB) or what a consumer should have to hold. An event
 * holding more is malformed: its constructor refuses it, so a consumer sends it to the dead-letter
 * topic. Lists that only inform a reader (differences, environment problems) are cut by the
 * producer's factory methods instead, their last line saying how many more there were
 * ({@link #truncated}); lists a consumer acts on are never cut.
 */
public final class EventLimits {

    /**
     * Tables of one source: per-table row counts in {@code Artifact} and the verdicts' per-table
     * checks. A source of 20,000 tables fits five times over; about 80 bytes a table, 8 MB at most.
     */
    public static final int TABLES = 100_000;

    /** Differences in a verdict; past it the producer keeps the first, and a last line says how many more. */
    public static final int DIFFERENCES = 1_000;

    /** Environment problems in a verdict; cut like differences. */
    public static final int ENVIRONMENT_PROBLEMS = 100;

    /** A target's own checks (its settings), and so their results in a verdict. */
    public static final int CHECKS = 100;

    /** Replica destinations of one stored artifact. */
    public static final int REPLICAS = 100;

    /** Names in a selection: the schemas and tables of dump options and of a restore request. */
    public static final int NAMES = 10_000;

    /** Reasons a retention run gives for one backup (a handful in practice). */
    public static final int REASONS = 50;

    /**
     * Backups kept, and deleted, listed by one retention run; past it the event lists the newest
     * (every deletion is also logged and recorded in the catalog with its reasons).
     */
    public static final int RETAINED_BACKUPS = 10_000;

    /**
     * Copies found wanting in one target's re-check at rest ({@link CopiesChecked}); past it the event
     * lists those of the newest backups (every problem is also logged and recorded in the storage
     * catalog). About 400 bytes a problem, 4 MB at most.
     */
    public static final int COPY_PROBLEMS = 10_000;

    /** Labels on one target. */
    public static final int LABELS = 50;

    /** Characters (code points) of the note on a backup request: a reason, not a document. */
    public static final int NOTE = 500;

    /** The longest URL an event names (where a registered dump was fetched from). */
    public static final int URL = 2_000;

    /** The most extensions a dry run reports for a source. */
    public static final int EXTENSIONS = 1_000;

    private EventLimits() {
    }

    /**
     * The lines as they are when within {@code cap}; else the first {@code cap - 1} and a last line
     * {@code "... and N more"}, so the result holds exactly {@code cap}; null stays null.
     */
    public static java.util.List<String> truncated(java.util.List<String> lines, int cap) {
        if (lines == null || lines.size() <= cap) {
            return lines;
        }
        java.util.List<String> cut = new java.util.ArrayList<>(lines.subList(0, cap - 1));
        cut.add("... and " + (lines.size() - (cap - 1)) + " more");
        return java.util.List.copyOf(cut);
    }
}
