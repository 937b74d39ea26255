package dev.vigil.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "backup", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"Start a backup of TARGET now (POST /api/v1/targets/{TARGET}/backups; an operator's token).",
        "With --wait, follow it to its verdict: exit status 0 when VERIFIED, 1 when FAILED, 3 when INCONCLUSIVE."})
final class BackupCommand extends ApiCommand {

    @Parameters(paramLabel = "TARGET", description = "The target's id, as `vigil targets` lists it.")
    String target;

    @Option(names = "--note", paramLabel = "TEXT", description = "Why you ask (at most 500 characters on one line); the job keeps it.")
    String note;

    @Option(names = "--wait", description = "Wait until the backup is verified, failed or inconclusive, showing its progress on standard error.")
    boolean wait;

    @Option(names = "--dry-run", description = "Ask the server what a backup would do without taking one (?dryRun=true), and show its answer.")
    boolean dryRun;

    BackupCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        if (dryRun && wait) {
            throw CliFailure.usage("--dry-run takes no backup, so there is nothing to --wait for; give one of them");
        }
        ObjectNode body = null;
        if (note != null) {
            body = Api.JSON.createObjectNode().put("note", note);
        }
        String path = "/api/v1/targets/" + Api.segment(target) + "/backups" + (dryRun ? Api.query(Map.of("dryRun", true)) : "");
        Api.Answer answer = api.post(path, body);
        JsonNode accepted = answer.json();
        String jobId = Json.text(accepted, "jobId");
        if (dryRun) {
            return dryRun(answer, accepted, jobId);
        }
        if (!wait) {
            if (json()) {
                printJson(answer.body());
            } else {
                println("Backup of " + target + " requested: job " + jobId);
                println("Follow it with: vigil job " + jobId);
            }
            return Exit.OK;
        }
        if (!json()) {
            println("Backup of " + target + ": job " + jobId);
        }
        JsonNode job = Waiting.job(api, jobId, context);
        if (json()) {
            printJson(Api.JSON.writeValueAsString(job));
        } else {
            println(JobView.lines(job, context.zone()));
        }
        return Exit.of(Json.text(job, "status", "FAILED"));
    }

    /** The server's answer to a dry run; a server that does not know dry runs starts a real backup, and that is said plainly. */
    private int dryRun(Api.Answer answer, JsonNode accepted, String jobId) {
        if (json()) {
            printJson(answer.body());
        }
        if (!accepted.path("dryRun").asBoolean(false) && jobId != null) {
            context.err().println("vigil: this server does not know dry runs and took a real backup: job " + jobId
                    + " (follow it with: vigil job " + jobId + ")");
            return Exit.OK;
        }
        if (!json()) {
            println("Dry run of a backup of " + target + " (nothing was started):");
            for (Map.Entry<String, JsonNode> field : accepted.properties()) {
                println(String.format("  %-16s %s", field.getKey(), field.getValue().isValueNode() ? field.getValue().asString() : field.getValue()));
            }
        }
        return Exit.OK;
    }
}
