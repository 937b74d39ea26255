package dev.vigil.cli;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A restore on demand ({@code GET /api/v1/restores/{restoreId}}) as {@code vigil restore --wait} and {@code vigil restore-status} print it. */
final class RestoreView {

    private RestoreView() {
    }

    static List<String> lines(JsonNode restore, ZoneId zone) {
        List<String> lines = new ArrayList<>();
        lines.add("restore    " + Json.text(restore, "restoreId", "?"));
        lines.add("target     " + Json.text(restore, "targetId", "?") + ", backup " + Json.text(restore, "jobId", "(the newest verified)"));
        lines.add("into       database " + Json.text(restore, "database", "?") + " on "
                + (Json.has(restore, "server") ? "server " + Json.text(restore, "server") : "the verification server"));
        lines.add("status     " + Json.text(restore, "status", "?"));
        lines.add("requested  " + Text.dateTime(Json.text(restore, "requestedAt"), zone) + " by " + Json.text(restore, "requestedBy", "?"));
        if (Json.has(restore, "completedAt")) {
            lines.add("completed  " + Text.dateTime(Json.text(restore, "completedAt"), zone)
                    + (Json.has(restore, "restoreMillis") ? ", restored in " + Json.number(restore, "restoreMillis") + " ms" : ""));
        }
        if (Json.has(restore, "refused")) {
            lines.add("refused    " + Json.text(restore, "refused"));
        }
        lines.addAll(JobView.tableChecks(restore));
        lines.addAll(JobView.bullets("differences", Json.strings(restore, "differences")));
        lines.addAll(JobView.bullets("environment problems", Json.strings(restore, "environmentProblems")));
        return lines;
    }
}
