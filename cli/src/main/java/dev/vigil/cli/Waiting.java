package dev.vigil.cli;

import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code --wait}: polls a job or a restore until it has ended, showing its progress on standard error. */
final class Waiting {

    /**
     * How long a job that has a verdict may lack its artifact or location: the registry reads each
     * topic on its own, so a verdict can come in before the artifact's own event.
     */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private Waiting() {
    }

    /** Polls {@code GET /api/v1/jobs/{jobId}} until the job has ended ({@link JobView#FINAL}); answers it. */
    static JsonNode job(Api api, String jobId, Context context) throws CliFailure {
        long finalSince = -1;
        try (Progress progress = new Progress(context.err(), context.stderrTerminal(), "job " + jobId)) {
            while (true) {
                JsonNode job = api.get("/api/v1/jobs/" + Api.segment(jobId)).json();
                progress.job(job);
                String status = Json.text(job, "status", "");
                if (JobView.FINAL.contains(status)) {
                    boolean complete = "FAILED".equals(status) || status.startsWith("DRY_RUN") || Json.has(job, "artifact") && Json.has(job, "location");
                    long now = System.nanoTime();
                    finalSince = finalSince < 0 ? now : finalSince;
                    if (complete || now - finalSince > SETTLE.toNanos()) {
                        return job;
                    }
                }
                sleep(context.poll());
            }
        }
    }

    /** How a restore ends. */
    static final List<String> RESTORE_FINAL = List.of("PASSED", "RESTORED", "FAILED", "INCONCLUSIVE");

    /** Polls the restore at {@code path} until it is PASSED, FAILED or INCONCLUSIVE (REQUESTED while it waits); answers it. */
    static JsonNode restore(Api api, String path, String restoreId, Context context) throws CliFailure {
        try (Progress progress = new Progress(context.err(), context.stderrTerminal(), "restore " + restoreId)) {
            while (true) {
                JsonNode restore = api.get(path).json();
                progress.restore(restore);
                if (RESTORE_FINAL.contains(Json.text(restore, "status", ""))) {
                    return restore;
                }
                sleep(context.poll());
            }
        }
    }

    private static void sleep(Duration duration) throws CliFailure {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(Exit.FAILED, "interrupted while waiting");
        }
    }
}
