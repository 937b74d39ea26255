package dev.vigil.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "jobs", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = "List backup jobs, newest first, across all targets or of TARGET (GET /api/v1/jobs).")
final class JobsCommand extends ApiCommand {

    @Parameters(paramLabel = "TARGET", arity = "0..1", description = "Only this target's jobs.")
    String target;

    @Option(names = "--status", paramLabel = "S[,S...]", description = "Only jobs in these statuses: REQUESTED, DUMPING, DUMPED, STORED, VERIFIED, "
            + "INCONCLUSIVE, FAILED.")
    String status;

    @Option(names = "--limit", paramLabel = "N", description = "At most N jobs (1-500; the server's default is 50).")
    Integer limit;

    @Option(names = "--before", paramLabel = "CURSOR", description = "The page after the one that ended with this `next` cursor.")
    String before;

    JobsCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        Api.Answer answer = api.get("/api/v1/jobs" + Api.query(Api.parameters("targetId", target, "status", status, "limit", limit, "before", before)));
        if (json()) {
            printJson(answer.body());
            return Exit.OK;
        }
        JsonNode page = answer.json();
        Text.Table table = new Text.Table("JOB", "TARGET", "STATUS", "REQUESTED", "BY", "NOTE");
        for (JsonNode job : Json.list(page, "jobs")) {
            table.row(Json.text(job, "jobId"), Json.text(job, "targetId"), Json.text(job, "status"),
                    Text.dateMinutes(Json.text(job.path("stages"), "REQUESTED"), context.zone()), Json.text(job, "requestedBy"),
                    Text.shorten(Json.text(job, "note"), 40));
        }
        if (table.isEmpty()) {
            println(before == null ? "No jobs" + (target == null && status == null ? "." : " match.") : "No more jobs.");
        } else {
            println(table.lines(""));
        }
        String next = Json.text(page, "next");
        if (next != null) {
            List<String> command = new ArrayList<>(List.of("vigil", "jobs"));
            if (target != null) {
                command.add(target);
            }
            if (status != null) {
                command.addAll(List.of("--status", status));
            }
            if (limit != null) {
                command.addAll(List.of("--limit", limit.toString()));
            }
            command.addAll(List.of("--before", next));
            println("More: " + String.join(" ", command));
        }
        return Exit.OK;
    }
}
