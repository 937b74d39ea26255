package dev.vigil.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "complete", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"Finish a job `vigil register` made (PATCH /api/v1/jobs/{JOB}): where its artifact is, or why",
        "it failed. Sends {\"artifactUrl\": URL} or {\"failed\": REASON}. Needs a server that has this endpoint."})
final class CompleteCommand extends ApiCommand {

    @Parameters(paramLabel = "JOB", description = "The job's id, as `vigil register` printed it.")
    String jobId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Outcome outcome;

    static final class Outcome {

        @Option(names = "--artifact-url", paramLabel = "URL", required = true, description = "Where the dump was uploaded, e.g. s3://bucket/key.")
        String artifactUrl;

        @Option(names = "--failed", paramLabel = "REASON", required = true, description = "The dump failed, and why.")
        String failed;
    }

    CompleteCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        ObjectNode body = Api.JSON.createObjectNode();
        if (outcome.artifactUrl != null) {
            body.put("artifactUrl", outcome.artifactUrl);
        } else {
            body.put("failed", outcome.failed);
        }
        Api.Answer answer = api.patch("/api/v1/jobs/" + Api.segment(jobId), body);
        if (json()) {
            printJson(answer.body());
            return Exit.OK;
        }
        JsonNode job = answer.json();
        if (Json.has(job, "status")) {
            println("Job " + Json.text(job, "jobId", jobId) + " is " + Json.text(job, "status") + ". Follow it with: vigil job " + jobId);
        } else {
            println("The server answered HTTP " + answer.status() + (answer.body() == null || answer.body().isBlank() ? "" : ": " + answer.body().strip()));
        }
        return Exit.OK;
    }
}
