package dev.vigil.notifier.alert;

import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupVerified;

/**
 * One thing on-call must hear about: a target, a job, what went wrong, and the trace to follow.
 *
 * @param traceId the job's trace id, or null when the event carried none
 */
public record Alert(String targetId, String jobId, String headline, String reason, String traceId) {

    static Alert of(BackupFailed failed, String traceId) {
        return new Alert(failed.targetId().value(), failed.jobId().toString(),
                "Backup of " + failed.targetId() + " failed at " + failed.stage() + " (" + failed.failureClass() + ")",
                failed.reason(), traceId);
    }

    static Alert of(BackupVerified verified, String traceId) {
        if (verified.verdict() == dev.vigil.contracts.Verdict.INCONCLUSIVE) {
            return new Alert(verified.targetId().value(), verified.jobId().toString(),
                    "Backup of " + verified.targetId() + " could not be verified: the verification server lacks something (the backup was not judged)",
                    String.join("; ", verified.environmentProblemList()), traceId);
        }
        return new Alert(verified.targetId().value(), verified.jobId().toString(),
                "Backup of " + verified.targetId() + " failed verification",
                String.join("; ", verified.differences()), traceId);
    }

    /** Plain text, as both channels show it. */
    String text(String dashboardUrl) {
        StringBuilder text = new StringBuilder()
                .append(headline).append('\n')
                .append("Target: ").append(targetId).append('\n')
                .append("Job: ").append(jobId).append('\n')
                .append("Reason: ").append(reason).append('\n');
        if (traceId != null) {
            text.append("Trace: ").append(traceId).append('\n');
        }
        if (!dashboardUrl.isBlank()) {
            text.append("Details: ").append(dashboardUrl.replaceAll("/+$", "")).append("/api/v1/jobs/").append(jobId).append('\n');
        }
        return text.toString();
    }
}
