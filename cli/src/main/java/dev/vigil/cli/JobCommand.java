package dev.vigil.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "job", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"Show one backup job (GET /api/v1/jobs/{ID}): its stages with times, the artifact, the verdict with",
        "each table's expected and found rows, differences, note, who asked, and the trace id."})
final class JobCommand extends ApiCommand {

    @Parameters(paramLabel = "ID", description = "The job's id (a UUID), as `vigil jobs` lists it.")
    String jobId;

    JobCommand(Context context) {
        super(context);
    }

    @Override
    int run(Api api) throws CliFailure {
        Api.Answer answer = api.get("/api/v1/jobs/" + Api.segment(jobId));
        if (json()) {
            printJson(answer.body());
        } else {
            println(JobView.lines(answer.json(), context.zone()));
        }
        return Exit.OK;
    }
}
