package dev.vigil.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "backup", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"Start a backup of TARGET now (POST /api/v1/targets/{TARGET}/backups; an operator's token).",
        "With --wait, follow it to its verdict: exit status 0 when VERIFIED, 1 when FAILED, 3 when INCONCLUSIVE.",
        "With --dry-run, check everything a backup needs short of pg_dump instead (no backup); with --wait, exit 0 when every check passed, 1 when one failed."})
final class BackupCommand extends ApiCommand {

    @Parameters(paramLabel = "TARGET", description = "The target's id, as `vigil targets` lists it.")
    String target;

    @Option(names = "--note", paramLabel = "TEXT", description = "Why you ask (at most 500 characters on one line); the job keeps it.")
    String note;

    @Option(names = "--wait", description = "Wait until the backup is verified, failed or inconclusive, showing its progress on standard error.")
    boolean wait;

    @Option(names = "--dry-run", description = "Check everything a backup needs short of running pg_dump (?dryRun=true): the target, pg_dump, "
            + "privileges on every table, size, staging, destinations, encryption key, the verification server's extensions. No backup is taken.")
    boolean dryRun;

    BackupCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        ObjectNode body = null;
        if (note != null) {
            body = Api.JSON.createObjectNode().put("note", note);
        }
        String path = "/api/v1/targets/" + Api.segment(target) + "/backups" + (dryRun ? Api.query(Map.of("dryRun", true)) : "");
        Api.Answer answer = api.post(path, body);
        JsonNode accepted = answer.json();
        String jobId = Json.text(accepted, "jobId");
        if (dryRun && !"DRY_RUN".equals(Json.text(accepted, "status")) && jobId != null) {
            context.err().println("vigil: this server does not know dry runs and took a real backup: job " + jobId
                    + " (follow it with: vigil job " + jobId + ")");
        }
        String what = dryRun ? "Dry run" : "Backup";
        if (!wait) {
            if (json()) {
                printJson(answer.body());
            } else {
                println(what + " of " + target + " requested: job " + jobId);
                println("Follow it with: vigil job " + jobId);
            }
            return Exit.OK;
        }
        if (!json()) {
            println(what + " of " + target + ": job " + jobId);
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
