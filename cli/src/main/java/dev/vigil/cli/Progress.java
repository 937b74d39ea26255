package dev.vigil.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * What {@code --wait} shows on standard error while a job or restore runs. On a terminal, one line
 * redrawn in place: a bar of the stages passed, the stage, while dumping the bytes written and the
 * table pg_dump is on, and the time waited. Elsewhere (a log, a pipe) plain lines: one per stage
 * reached, and while dumping one at most every 10 s. Standard output is left to the result.
 * For one thread (besides the hook that clears the bar on exit).
 */
final class Progress implements AutoCloseable {

    private static final List<String> STAGES = List.of("REQUESTED", "DUMPING", "DUMPED", "STORED", "VERIFIED");
    private static final int BAR = 20;
    private static final long PLAIN_EVERY_MILLIS = 10_000;
    private static final String CLEAR = "\r\033[K";

    private final PrintWriter err;
    private final boolean terminal;
    private final String what;
    private final long started = System.currentTimeMillis();
    /** Clears the bar when the JVM ends before {@link #close()} (Ctrl-C), so the shell's prompt starts on a clean line. */
    private final Thread clearOnExit;
    private String lastStatus;
    private long lastPlain;
    private volatile boolean drawn;

    /** @param what e.g. "job 5d7e..." */
    Progress(PrintWriter err, boolean terminal, String what) {
        this.err = err;
        this.terminal = terminal;
        this.what = what;
        this.clearOnExit = terminal ? new Thread(this::clear, "vigil-progress-clear") : null;
        if (clearOnExit != null) {
            Runtime.getRuntime().addShutdownHook(clearOnExit);
        }
    }

    /** The job as polled now. */
    void job(JsonNode job) {
        String status = Json.text(job, "status", "?");
        int passed = STAGES.indexOf(status);
        String detail = "DUMPING".equals(status) && Json.has(job.path("progress"), "bytesWritten") ? JobView.dumpProgress(job.path("progress")) : "";
        show(status, passed < 0 ? STAGES.size() - 1 : passed, detail);
    }

    /** The restore as polled now. */
    void restore(JsonNode restore) {
        String status = Json.text(restore, "status", "?");
        boolean ended = Waiting.RESTORE_FINAL.contains(status);
        show(status, ended ? STAGES.size() - 1 : -1, ended ? "" : "waiting for the verifier");
    }

    private void show(String status, int passed, String detail) {
        long now = System.currentTimeMillis();
        if (terminal) {
            String bar = passed < 0 ? spinner(now) : "#".repeat(passed * BAR / (STAGES.size() - 1)) + "-".repeat(BAR - passed * BAR / (STAGES.size() - 1));
            err.print(CLEAR + "[" + bar + "] " + what + " " + status + (detail.isEmpty() ? "" : "  " + detail) + "  " + Text.elapsed(now - started));
            err.flush();
            drawn = true;
            return;
        }
        boolean changed = !Objects.equals(status, lastStatus);
        if (changed || !detail.isEmpty() && now - lastPlain >= PLAIN_EVERY_MILLIS) {
            err.println(what + ": " + status + (detail.isEmpty() ? "" : ", " + detail) + " (" + Text.elapsed(now - started) + ")");
            lastPlain = now;
        }
        lastStatus = status;
    }

    /** A bar with no end in sight: a block that moves back and forth. */
    private String spinner(long now) {
        int position = (int) (now / 250 % (2 * (BAR - 3)));
        int at = position < BAR - 3 ? position : 2 * (BAR - 3) - position;
        return "-".repeat(at) + "###" + "-".repeat(BAR - 3 - at);
    }

    /** Removes the bar, so what follows starts on a clean line. */
    @Override
    public void close() {
        if (clearOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(clearOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs, or has run: it clears the line.
            }
        }
        clear();
    }

    private void clear() {
        if (terminal && drawn) {
            err.print(CLEAR);
            err.flush();
            drawn = false;
        }
    }
}
