package dev.vigil.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "register", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"Register a backup of TARGET that you take yourself with pg_dump -Fc (POST /api/v1/jobs; an operator's token):",
        "a queued job no worker takes. Report it with `vigil complete` once the dump is uploaded, or failed."})
final class RegisterCommand extends ApiCommand {

    @Parameters(paramLabel = "TARGET", description = "The target the dump is of.")
    String target;

    @Option(names = "--note", paramLabel = "TEXT", description = "Why; the job keeps it.")
    String note;

    RegisterCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        ObjectNode body = Api.JSON.createObjectNode().put("targetId", target);
        if (note != null) {
            body.put("note", note);
        }
        Api.Answer answer = api.post("/api/v1/jobs", body);
        if (json()) {
            printJson(answer.body());
            return Exit.OK;
        }
        JsonNode job = answer.json();
        String jobId = Json.text(job, "jobId", "?");
        println("Registered job " + jobId + " for " + target + (Json.has(job, "status") ? " (" + Json.text(job, "status") + ")" : ""));
        println("When the dump is uploaded: vigil complete " + jobId + " --artifact-url URL   (or --failed REASON)");
        return Exit.OK;
    }
}
