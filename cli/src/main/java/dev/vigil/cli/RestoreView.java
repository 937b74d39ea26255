package dev.vigil.cli;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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
                + (Json.has(restore, "server") ? "server " + Json.text(restore, "server") : "the verification server")
                + (restore.path("clean").asBoolean(false) ? ", dropped and created again" : ""));
        List<String> onlySchemas = Json.strings(restore, "schemas");
        List<String> onlyTables = Json.list(restore, "tables").stream().filter(JsonNode::isString).map(JsonNode::asString).toList();
        if (!onlySchemas.isEmpty() || !onlyTables.isEmpty()) {
            lines.add("only       " + String.join(", ", Stream.concat(onlySchemas.stream().map(schema -> "schema " + schema),
                    onlyTables.stream().map(table -> "table " + table)).toList()));
        }
        lines.add("status     " + Json.text(restore, "status", "?"));
        lines.add("requested  " + (Json.has(restore, "requestedAt") ? Text.dateTime(Json.text(restore, "requestedAt"), zone) + " " : "")
                + "by " + Json.text(restore, "requestedBy", "?"));
        if (Json.has(restore, "traceId")) {
            lines.add("trace id   " + Json.text(restore, "traceId"));
        }
        if (Json.has(restore, "completedAt")) {
            lines.add("completed  " + Text.dateTime(Json.text(restore, "completedAt"), zone)
                    + (Json.number(restore, "restoreMillis") != null && Json.number(restore, "restoreMillis") > 0
                            ? ", restored in " + Json.number(restore, "restoreMillis") + " ms" : ""));
        }
        if (Json.has(restore, "refused")) {
            lines.add("refused    " + Json.text(restore, "refused"));
        }
        // The counts: tableChecks as the scheduler answers, or tables holding them (the restore's first draft).
        List<JsonNode> counts = Json.has(restore, "tableChecks") ? Json.list(restore, "tableChecks")
                : Json.list(restore, "tables").stream().filter(JsonNode::isObject).toList();
        lines.addAll(JobView.tableChecks(counts));
        lines.addAll(JobView.bullets("differences", Json.strings(restore, "differences")));
        lines.addAll(JobView.bullets("environment problems", Json.strings(restore, "environmentProblems")));
        return lines;
    }
}
