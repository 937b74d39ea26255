package dev.vigil.cli;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

@Command(name = "targets", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = "List the targets: the databases Vigil backs up (GET /api/v1/targets).")
final class TargetsCommand extends ApiCommand {

    TargetsCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        Api.Answer answer = api.get("/api/v1/targets");
        if (json()) {
            printJson(answer.body());
            return Exit.OK;
        }
        Text.Table table = new Text.Table("TARGET", "CONNECTION", "SCHEDULE", "TIME ZONE");
        for (JsonNode target : answer.json()) {
            table.row(Json.text(target, "targetId"), Json.text(target, "connection"), Json.text(target, "schedule"), Json.text(target, "timeZone"));
        }
        if (table.isEmpty()) {
            println("No targets. Add them to the scheduler's targets file (vigil.scheduler.targets-file) and restart it.");
        } else {
            println(table.lines(""));
        }
        return Exit.OK;
    }
}
