package dev.vigil.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "retention", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"What TARGET's retention policy keeps and would delete now, with the reasons and holds",
        "(GET /api/v1/targets/{TARGET}/retention). A dry run: nothing is deleted."})
final class RetentionCommand extends ApiCommand {

    /** The reason the storage service gives a backup under a legal hold. */
    private static final String LEGAL_HOLD = "legal hold";

    @Parameters(paramLabel = "TARGET", description = "The target's id.")
    String target;

    RetentionCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        Api.Answer answer = api.get("/api/v1/targets/" + Api.segment(target) + "/retention");
        if (json()) {
            printJson(answer.body());
            return Exit.OK;
        }
        JsonNode preview = answer.json();
        JsonNode policy = preview.path("policy");
        println("Retention of " + Json.text(preview, "targetId", target) + " as of " + Text.dateTime(Json.text(preview, "at"), context.zone())
                + ", " + ("target".equals(Json.text(preview, "policySource")) ? "the target's own policy" : "the default policy") + ":");
        println("  " + policy.path("daily").asInt(0) + " daily, " + policy.path("weekly").asInt(0) + " weekly, " + policy.path("monthly").asInt(0)
                + " monthly, " + policy.path("yearly").asInt(0) + " yearly, all of the last " + policy.path("keepWithinDays").asInt(0)
                + " days, at least " + policy.path("minVerified").asInt(0) + " verified");
        List<String> raised = Json.strings(preview, "raisedByFloor");
        if (!raised.isEmpty()) {
            println("  raised to the floor of the storage service's settings: " + String.join(", ", raised));
        }
        backups("Kept", Json.list(preview, "kept"));
        backups("Would delete", Json.list(preview, "wouldDelete"));
        return Exit.OK;
    }

    private void backups(String heading, List<JsonNode> backups) {
        println("");
        println(heading + " (" + backups.size() + ")" + (backups.isEmpty() ? "" : ":"));
        if (backups.isEmpty()) {
            return;
        }
        Text.Table table = new Text.Table("TAKEN", "JOB", "REASONS", "HOLDS");
        for (JsonNode backup : backups) {
            List<String> reasons = Json.strings(backup, "reasons");
            String holds = (reasons.contains(LEGAL_HOLD) ? "legal hold" : "")
                    + (Json.has(backup, "retainUntil") ? (reasons.contains(LEGAL_HOLD) ? ", " : "") + "object lock until "
                            + Text.dateMinutes(Json.text(backup, "retainUntil"), context.zone()) : "");
            table.row(Text.dateMinutes(Json.text(backup, "takenAt"), context.zone()), Json.text(backup, "jobId"), String.join(", ", reasons), holds);
        }
        println(table.lines("  "));
    }
}
