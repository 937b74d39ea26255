package dev.vigil.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"Restore a backup of TARGET into the database DB (POST /api/v1/targets/{TARGET}/restores). The verifier",
        "restores only where its restore allow-list lets the target go. With --wait, follow it: exit status 0 when PASSED,",
        "1 when FAILED (or refused by the verifier), 3 when INCONCLUSIVE."})
final class RestoreCommand extends ApiCommand {

    @Parameters(paramLabel = "TARGET", description = "The target whose backup to restore.")
    String target;

    @Option(names = "--into", required = true, paramLabel = "DB", description = "The database to restore into; created when missing.")
    String database;

    @Option(names = "--backup", paramLabel = "JOBID", description = "The backup (its job id); default: the target's newest verified backup.")
    String jobId;

    @Option(names = "--server", paramLabel = "NAME", description = "A restore server of the verifier's settings; default: the verification server.")
    String restoreServer;

    @Option(names = "--tables", paramLabel = "SCHEMA.TABLE", split = ",", description = "Only these tables (definitions and rows), comma-separated.")
    List<String> tables;

    @Option(names = "--schemas", paramLabel = "SCHEMA", split = ",", description = "Only these schemas, whole, comma-separated.")
    List<String> schemas;

    @Option(names = "--clean", description = "Drop and recreate DB if it holds anything (after the backup's checksum is checked); "
            + "without it such a database is refused and left untouched.")
    boolean clean;

    @Option(names = "--wait", description = "Wait until the restore has passed, failed or is inconclusive, showing its progress on standard error.")
    boolean wait;

    RestoreCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        ObjectNode body = Api.JSON.createObjectNode();
        if (jobId != null) {
            body.put("jobId", jobId);
        }
        if (restoreServer != null) {
            body.put("server", restoreServer);
        }
        body.put("database", database);
        if (tables != null) {
            tables.forEach(body.putArray("tables")::add);
        }
        if (schemas != null) {
            schemas.forEach(body.putArray("schemas")::add);
        }
        body.put("clean", clean);
        Api.Answer answer = api.post("/api/v1/targets/" + Api.segment(target) + "/restores", body);
        JsonNode accepted = answer.json();
        String restoreId = Json.text(accepted, "restoreId", "?");
        String path = answer.location().filter(location -> location.startsWith("/")).orElse("/api/v1/restores/" + Api.segment(restoreId));
        if (!wait) {
            if (json()) {
                printJson(answer.body());
            } else {
                println("Restore of " + target + " into " + database + " requested: restore " + restoreId);
                println("Follow it with: vigil restore-status " + restoreId + " [--wait]");
            }
            return Exit.OK;
        }
        if (!json()) {
            println("Restore of " + target + " into " + database + ": restore " + restoreId);
        }
        return RestoreStatusCommand.show(Waiting.restore(api, path, restoreId, context), this);
    }
}
