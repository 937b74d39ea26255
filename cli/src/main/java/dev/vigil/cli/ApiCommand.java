package dev.vigil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that calls the scheduler's API: resolves where it is and the token ({@link Settings}),
 * runs, and answers the exit status. {@code --json} prints the server's JSON instead of the table.
 */
abstract class ApiCommand implements Callable<Integer> {

    /** The options every API command takes. */
    static final class ServerOptions {

        @Option(names = "--url", paramLabel = "URL", description = "The scheduler's API (default: VIGIL_URL, else url= in the config file, else "
                + Settings.DEFAULT_URL + ").")
        String url;

        @Option(names = "--json", description = "Print the server's JSON instead of the table.")
        boolean json;
    }

    @Mixin
    ServerOptions server = new ServerOptions();

    final Context context;

    ApiCommand(Context context) {
        this.context = context;
    }

    @Override
    public final Integer call() throws CliFailure {
        try (Api api = new Api(Settings.resolve(server.url, context))) {
            return run(api);
        }
    }

    abstract int run(Api api) throws CliFailure;

    boolean json() {
        return server.json;
    }

    /** The answer's body as the server sent it, for {@code --json}. */
    void printJson(String body) {
        context.out().println(body == null ? "" : body.strip());
    }

    void println(String line) {
        context.out().println(line);
    }

    void println(Iterable<String> lines) {
        lines.forEach(context.out()::println);
    }
}
