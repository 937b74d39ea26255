package dev.vigil.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "register", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"Register a backup of TARGET that you take yourself (POST /api/v1/jobs); finish it with",
        "`vigil complete`. Needs a server that has this endpoint."})
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
        String jobId = Json.text(job, "jobId");
        if (jobId == null) {
            println("The server answered HTTP " + answer.status() + ": " + (answer.body() == null ? "" : answer.body().strip()));
            return Exit.OK;
        }
        println("Registered job " + jobId + " for " + target + (Json.has(job, "status") ? " (" + Json.text(job, "status") + ")" : ""));
        println("When the dump is uploaded: vigil complete " + jobId + " --artifact-url URL   (or --failed REASON)");
        return Exit.OK;
    }
}
