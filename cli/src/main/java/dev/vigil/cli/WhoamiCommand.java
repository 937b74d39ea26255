package dev.vigil.cli;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

@Command(name = "whoami", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = "Who the access token signs you in as, and its role (GET /api/v1/me).")
final class WhoamiCommand extends ApiCommand {

    WhoamiCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        Api.Answer answer = api.get("/api/v1/me");
        if (json()) {
            printJson(answer.body());
            return Exit.OK;
        }
        JsonNode me = answer.json();
        println(Json.text(me, "name", "?") + " (role " + Json.text(me, "role", "?") + ") at " + api.url());
        return Exit.OK;
    }
}
