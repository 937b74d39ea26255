package dev.vigil.cli;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A backup job ({@code GET /api/v1/jobs/{jobId}}) as {@code vigil job} and {@code vigil backup --wait} print it. */
final class JobView {

    static final List<String> FINAL = List.of("VERIFIED", "FAILED", "INCONCLUSIVE", "DRY_RUN_PASSED", "DRY_RUN_FAILED");

    /** The services whose checks make up a dry run, in the order they answer, as the job names them. */
    private static final Map<String, String> DRY_RUN_PARTS = Map.of("DUMP", "dump worker", "STORE", "storage service", "VERIFY", "verifier");

    private JobView() {
    }

    static List<String> lines(JsonNode job, ZoneId zone) {
        List<String> lines = new ArrayList<>();
        String requestedAt = job.path("stages").hasNonNull("REQUESTED") ? Json.text(job.path("stages"), "REQUESTED") : null;
        lines.add("job        " + Json.text(job, "jobId", "?"));
        lines.add("target     " + Json.text(job, "targetId", "?"));
        lines.add("status     " + Json.text(job, "status", "?"));
        lines.add("requested  " + (requestedAt == null ? "" : Text.dateTime(requestedAt, zone) + " ") + "by "
                + Json.text(job, "requestedBy", "?") + " (" + Json.text(job, "trigger", "?") + ")");
        if (Json.has(job, "note")) {
            lines.add("note       " + Json.text(job, "note"));
        }
        if (Json.has(job, "artifactUrl")) {
            lines.add("made at    " + Json.text(job, "artifactUrl") + " (outside Vigil)");
        }
        if (Json.has(job, "traceId")) {
            lines.add("trace id   " + Json.text(job, "traceId"));
        }
        if (job.path("dryRun").asBoolean(false)) {
            lines.addAll(dryRun(job.path("dryRunChecks")));
        }
        lines.add("");
        lines.add("stages");
        for (Map.Entry<String, JsonNode> stage : job.path("stages").properties()) {
            String at = stage.getValue().asString();
            String when = requestedAt != null && Text.sameDay(at, requestedAt, zone) ? Text.time(at, zone) : Text.dateTime(at, zone);
            lines.add(String.format("  %-12s %-8s  %s", stage.getKey(), when, stageDetail(stage.getKey(), job, zone)).stripTrailing());
        }
        JsonNode artifact = job.path("artifact");
        if (Json.has(artifact, "sha256")) {
            lines.add("");
            lines.add("artifact   " + Text.size(artifact.path("sizeBytes").asLong(0)) + " as stored, sha256 " + Json.text(artifact, "sha256"));
        }
        JsonNode verification = job.path("verification");
        if (!verification.isMissingNode() && !verification.isNull()) {
            long restoreMillis = verification.path("restoreMillis").asLong(0);
            lines.add("verdict    " + Json.text(verification, "verdict", "?") + (restoreMillis > 0 ? ", restored in " + restoreMillis + " ms" : ""));
            lines.addAll(tableChecks(verification));
            lines.addAll(bullets("differences", Json.strings(verification, "differences")));
            lines.addAll(bullets("environment problems", Json.strings(verification, "environmentProblems")));
            List<String> checks = Json.list(verification, "checks").stream().map(check -> (check.path("passed").asBoolean(false) ? "passed " : "FAILED ")
                    + Json.text(check, "name", "?") + (Json.has(check, "detail") ? ": " + Json.text(check, "detail") : "")).toList();
            lines.addAll(bullets("checks", checks));
        }
        JsonNode failure = job.path("failure");
        if (!failure.isMissingNode() && !failure.isNull()) {
            lines.add("failure    " + Json.text(failure, "stage", "?") + " " + Json.text(failure, "failureClass", "") + ": "
                    + Json.text(failure, "reason", ""));
        }
        return lines;
    }

    /** A dry run's checks by the service that ran them; a service that has not answered yet is said to be awaited. */
    static List<String> dryRun(JsonNode parts) {
        List<String> lines = new ArrayList<>();
        for (String stage : List.of("DUMP", "STORE", "VERIFY")) {
            JsonNode part = parts.path(stage);
            lines.add("");
            if (part.isMissingNode() || part.isNull()) {
                lines.add(DRY_RUN_PARTS.get(stage) + ": not answered yet");
                continue;
            }
            lines.add(DRY_RUN_PARTS.get(stage) + (part.path("passed").asBoolean(false) ? ": every check passed" : ": a check failed")
                    + (Json.has(part, "estimatedBytes") ? " (estimated size " + Text.size(part.path("estimatedBytes").asLong(0)) + ")" : ""));
            for (JsonNode check : Json.list(part, "checks")) {
                lines.add(String.format("  %-6s %-20s %s", check.path("passed").asBoolean(false) ? "ok" : "FAILED", Json.text(check, "name", "?"),
                        Json.text(check, "detail", "")).stripTrailing());
            }
        }
        return lines;
    }

    /** Per table of {@code result}'s {@code tables}, the rows the dump held against the rows the restore found. */
    static List<String> tableChecks(JsonNode result) {
        return tableChecks(Json.list(result, "tables"));
    }

    /** Per table, the rows the dump held against the rows the restore found; a missing or different count is marked. */
    static List<String> tableChecks(List<JsonNode> tables) {
        if (tables.isEmpty()) {
            return List.of();
        }
        Text.Table table = new Text.Table("TABLE", "EXPECTED", "FOUND", "").right(1, 2);
        for (JsonNode t : tables) {
            Long expected = Json.number(t, "expectedRows");
            Long found = Json.number(t, "foundRows");
            String mark = found == null ? "missing" : expected != null && !found.equals(expected) ? "differs" : "";
            table.row(Json.text(t, "schema", "?") + "." + Json.text(t, "table", "?"), expected == null ? "-" : expected,
                    found == null ? "-" : found, mark);
        }
        List<String> lines = new ArrayList<>();
        lines.add("tables     " + tables.size());
        lines.addAll(table.lines("  "));
        return lines;
    }

    /** A heading and one "- item" each, an item's further lines (pg_restore's messages) indented under it; nothing when there are none. */
    static List<String> bullets(String heading, List<String> items) {
        if (items.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add(heading);
        for (String item : items) {
            List<String> itemLines = item.strip().lines().toList();
            lines.add("  - " + (itemLines.isEmpty() ? "" : itemLines.getFirst()));
            itemLines.stream().skip(1).map(line -> ("    " + line).stripTrailing()).forEach(lines::add);
        }
        return lines;
    }

    /** What a stage brought, in a few words, as {@code ./vigil dev} prints it. */
    static String stageDetail(String stage, JsonNode job, ZoneId zone) {
        JsonNode artifact = job.path("artifact");
        JsonNode verification = job.path("verification");
        return switch (stage) {
            case "DUMPING" -> {
                JsonNode progress = job.path("progress");
                yield "DUMPING".equals(Json.text(job, "status")) && Json.has(progress, "bytesWritten") ? dumpProgress(progress)
                        + " (as of " + Text.time(Json.text(progress, "at"), zone) + ")" : "";
            }
            case "DUMPED" -> Json.has(artifact, "sizeBytes") ? artifactSummary(artifact) : "";
            case "STORED" -> location(job.path("location"));
            case "VERIFIED", "INCONCLUSIVE" -> verdictSummary(verification);
            case "FAILED" -> Json.text(job.path("failure"), "failureClass", "") + (Json.has(job.path("failure"), "reason")
                    ? ": " + Json.text(job.path("failure"), "reason") : "");
            default -> "";
        };
    }

    static String dumpProgress(JsonNode progress) {
        return Text.size(progress.path("bytesWritten").asLong(0)) + " written"
                + (Json.has(progress, "currentTable") ? ", at " + Json.text(progress, "currentTable") : "");
    }

    static String artifactSummary(JsonNode artifact) {
        String compression = Json.text(artifact, "compression", "none");
        return Text.size(artifact.path("sizeBytes").asLong(0)) + " " + Json.text(artifact, "format", "custom") + " format, "
                + ("none".equals(compression) ? "uncompressed" : compression)
                + (Json.has(artifact, "encryptionKeyId") ? ", encrypted (key " + Json.text(artifact, "encryptionKeyId") + ")" : "")
                + ", " + Json.list(artifact, "tables").size() + " tables, pg_dump " + Json.text(artifact, "pgDumpVersion", "?")
                + ", server " + Json.text(artifact, "serverVersion", "?");
    }

    /** Where the backup is stored: s3://bucket/key, or the path under a filesystem destination's root. */
    static String location(JsonNode location) {
        if (!Json.has(location, "key")) {
            return "";
        }
        String bucket = Json.text(location, "bucket", "");
        String key = Json.text(location, "key");
        String where = bucket.startsWith("/") ? bucket + (bucket.endsWith("/") ? "" : "/") + key : "s3://" + bucket + "/" + key;
        return where + (Json.has(location, "destination") ? " (" + Json.text(location, "destination") + ")" : "");
    }

    static String verdictSummary(JsonNode verification) {
        if (!Json.has(verification, "verdict")) {
            return "";
        }
        String verdict = Json.text(verification, "verdict");
        return switch (verdict) {
            case "PASSED" -> {
                long rows = Json.list(verification, "tables").stream().mapToLong(t -> t.path("foundRows").asLong(0)).sum();
                yield "PASSED, restored in " + verification.path("restoreMillis").asLong(0) + " ms; " + Json.list(verification, "tables").size()
                        + " tables, " + rows + " rows, all counts match the source";
            }
            case "RESTORED" -> {
                long rows = Json.list(verification, "tables").stream().mapToLong(t -> t.path("foundRows").asLong(0)).sum();
                yield "RESTORED in " + verification.path("restoreMillis").asLong(0) + " ms; " + Json.list(verification, "tables").size()
                        + " tables, " + rows + " rows found; made outside Vigil, so nothing to compare them with";
            }
            case "INCONCLUSIVE" -> "INCONCLUSIVE, not judged: " + String.join("; ", Json.strings(verification, "environmentProblems"));
            default -> verdict + ": " + String.join("; ", Json.strings(verification, "differences"));
        };
    }
}
