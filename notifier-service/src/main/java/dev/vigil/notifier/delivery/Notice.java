package dev.vigil.notifier.delivery;

import dev.vigil.notifier.IncidentKind;
import dev.vigil.notifier.Severity;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One message about an incident, as every channel renders it: its opening, a reminder, or its
 * recovery. Stored with each delivery, so what a channel owes survives a restart.
 *
 * @param key     the message's identity: a channel gets each key once
 * @param details lines under the headline: what was found, the numbers, what to do
 * @param jobId   the job it is about, when there is one
 * @param traceId the job's trace, when known
 */
public record Notice(String key, Type type, UUID incidentId, String targetId, IncidentKind kind, Severity severity, String headline,
        List<String> details, @Nullable String jobId, @Nullable String traceId, Instant at) {

    /** What the message says of its incident. */
    public enum Type { OPENED, REMINDER, RESOLVED }

    public Notice {
        details = List.copyOf(details);
    }

    /** Plain text, as email and Slack's fallback show it. */
    public String text(String dashboardUrl) {
        StringBuilder text = new StringBuilder().append(headline).append('\n');
        details.forEach(line -> text.append(line).append('\n'));
        text.append("Target: ").append(targetId).append('\n');
        text.append("Incident: ").append(kind).append(" (").append(severity).append(") ").append(incidentId).append('\n');
        if (jobId != null) {
            text.append("Job: ").append(jobId).append('\n');
        }
        if (traceId != null) {
            text.append("Trace: ").append(traceId).append('\n');
        }
        String link = jobLink(dashboardUrl);
        if (link != null) {
            text.append("Details: ").append(link).append('\n');
        }
        return text.toString();
    }

    /** The job's page in the scheduler's API, when there is a job and the URL is set. */
    @Nullable String jobLink(String dashboardUrl) {
        if (jobId == null || dashboardUrl.isBlank()) {
            return null;
        }
        return dashboardUrl.replaceAll("/+$", "") + "/api/v1/jobs/" + jobId;
    }
}
