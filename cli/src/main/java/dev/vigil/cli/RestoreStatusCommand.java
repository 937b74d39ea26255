package dev.vigil.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "restore-status", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"Show a restore on demand (GET /api/v1/restores/{ID}): status, tables with expected and found",
        "rows, differences, why it was refused. Exit status 0 when PASSED, 1 when FAILED, 3 when INCONCLUSIVE, 0 while REQUESTED."})
final class RestoreStatusCommand extends ApiCommand {

    @Parameters(paramLabel = "ID", description = "The restore's id, as `vigil restore` printed it.")
    String restoreId;

    @Option(names = "--wait", description = "Wait until it has passed, failed or is inconclusive.")
    boolean wait;

    RestoreStatusCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        String path = "/api/v1/restores/" + Api.segment(restoreId);
        if (wait) {
            return show(Waiting.restore(api, path, restoreId, context), this);
        }
        Api.Answer answer = api.get(path);
        if (json()) {
            printJson(answer.body());
        } else {
            println(RestoreView.lines(answer.json(), context.zone()));
        }
        String status = Json.text(answer.json(), "status", "REQUESTED");
        return Waiting.RESTORE_FINAL.contains(status) ? Exit.of(status) : Exit.OK;
    }

    /** Prints a restore that has ended and answers its exit status. */
    static int show(JsonNode restore, ApiCommand command) {
        if (command.json()) {
            command.printJson(Api.JSON.writeValueAsString(restore));
        } else {
            command.println(RestoreView.lines(restore, command.context.zone()));
        }
        return Exit.of(Json.text(restore, "status", "FAILED"));
    }
}
