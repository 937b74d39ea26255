package dev.vigil.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "complete", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"Report a job `vigil register` made (PATCH /api/v1/jobs/{JOB}), once: where its dump is (the storage service",
        "fetches, checks and stores it, the verifier restores it), or why it failed (the job ends FAILED and alerts).",
        "With --wait, follow it to its verdict: exit status 0 when VERIFIED, 1 when FAILED, 3 when INCONCLUSIVE."})
final class CompleteCommand extends ApiCommand {

    @Parameters(paramLabel = "JOB", description = "The job's id, as `vigil register` printed it.")
    String jobId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Outcome outcome;

    static final class Outcome {

        @Option(names = "--artifact-url", paramLabel = "URL", required = true, description = "Where the pg_dump -Fc file was uploaded: "
                + "s3://bucket/incoming/key in a bucket of the target's, or an https:// URL.")
        String artifactUrl;

        @Option(names = "--failed", paramLabel = "REASON", required = true, description = "The dump failed, and why.")
        String failed;
    }

    @Option(names = "--sha256", paramLabel = "HEX", description = "The dump's SHA-256 (sha256sum prints it); the fetched file must match it.")
    String sha256;

    @Option(names = "--wait", description = "Wait until the dump is stored and verified, or failed, showing its progress on standard error.")
    boolean wait;

    CompleteCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        if (sha256 != null && outcome.failed != null) {
            throw CliFailure.usage("--sha256 goes with --artifact-url, not with --failed");
        }
        ObjectNode body = Api.JSON.createObjectNode();
        if (outcome.artifactUrl != null) {
            body.put("status", "success").put("artifactUrl", outcome.artifactUrl);
            if (sha256 != null) {
                body.put("sha256", sha256);
            }
        } else {
            body.put("status", "failed").put("reason", outcome.failed);
        }
        Api.Answer answer = api.patch("/api/v1/jobs/" + Api.segment(jobId), body);
        if (!wait) {
            if (json()) {
                printJson(answer.body());
            } else {
                JsonNode job = answer.json();
                println("Job " + Json.text(job, "jobId", jobId) + " is " + Json.text(job, "status", "?") + ". Follow it with: vigil job " + jobId);
            }
            return Exit.OK;
        }
        JsonNode job = Waiting.job(api, jobId, context);
        if (json()) {
            printJson(Api.JSON.writeValueAsString(job));
        } else {
            println(JobView.lines(job, context.zone()));
        }
        return Exit.of(Json.text(job, "status", "FAILED"));
    }
}
