package dev.vigil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code vigil}, the command line: the scheduler's HTTP API from a shell (one command per request,
 * a table or {@code --json}), and {@code decode}, which needs no service. Entry point of the
 * executable jar {@code ./vigil} runs. The exit status says how it went ({@link Exit}).
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class,
        description = "Vigil's command line: targets, backups, jobs, restores and retention through the scheduler's API, "
                + "and decode, which turns a stored backup back into pg_dump's file with no service running.",
        subcommands = CommandLine.HelpCommand.class,
        footer = {"", "Settings (the first that gives one wins):",
                "  URL    --url, VIGIL_URL, url= in the config file, http://localhost:8080",
                "  token  VIGIL_TOKEN, the file VIGIL_TOKEN_FILE names (./vigil dev writes .vigil/admin-token),",
                "         token= or token-file= in the config file",
                "  config $${XDG_CONFIG_HOME:-~/.config}/vigil/config (Java properties; with token= it must be readable by you alone)",
                "", "Exit status:",
                "  0  done; the backup VERIFIED, the restore PASSED",
                "  1  the backup or restore FAILED, an artifact could not be decoded, or the server failed (5xx)",
                "  2  a usage error, or the server refused the request (4xx): its title and detail are printed",
                "  3  the backup or restore was INCONCLUSIVE",
                "  4  the server could not be reached",
                "", "`vigil COMMAND --help` tells more about each command."})
public final class VigilCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private VigilCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, Context.system()));
    }

    /** Runs one command line; answers its exit status. */
    static int run(String[] args, Context context) {
        return commandLine(context).execute(args);
    }

    static CommandLine commandLine(Context context) {
        CommandLine cli = new CommandLine(new VigilCli());
        for (Object command : List.of(new TargetsCommand(context), new BackupCommand(context), new JobsCommand(context), new JobCommand(context),
                new RestoreCommand(context), new RestoreStatusCommand(context), new RetentionCommand(context), new RegisterCommand(context),
                new CompleteCommand(context), new WhoamiCommand(context), new DecodeCommand(context))) {
            cli.addSubcommand(command);
        }
        cli.setOut(context.out());
        cli.setErr(context.err());
        cli.setExecutionExceptionHandler((failure, commandLine, parsed) -> {
            if (failure instanceof CliFailure cliFailure) {
                if (cliFailure.body() != null && commandLine.getCommand() instanceof ApiCommand command && command.json()) {
                    command.printJson(cliFailure.body());
                }
                context.err().println("vigil: " + cliFailure.getMessage());
                return cliFailure.exitCode();
            }
            context.err().println("vigil: unexpected error: " + failure);
            failure.printStackTrace(context.err());
            return Exit.FAILED;
        });
        return cli;
    }

    /** {@code vigil} alone: what it can do, and the status of a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Exit.REFUSED;
    }

    /** The version the build wrote into the jar (Spring Boot's build-info). */
    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() {
            Properties info = new Properties();
            try (InputStream in = VigilCli.class.getResourceAsStream("/META-INF/build-info.properties")) {
                if (in != null) {
                    info.load(in);
                }
            } catch (IOException e) {
                // No build information: the version is unknown, nothing more.
            }
            return new String[] {"vigil " + info.getProperty("build.version", "(version unknown)")};
        }
    }
}
