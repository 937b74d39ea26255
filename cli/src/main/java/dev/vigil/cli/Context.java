package dev.vigil.cli;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

/**
 * What a run of {@code vigil} reads from and writes to: the environment, standard output (also as
 * bytes, for {@code decode -o -}) and standard error, whether standard error is a terminal (a
 * progress bar) or not (plain lines), the time zone times are shown in, the user's home and how
 * often {@code --wait} polls. Tests give their own; {@link #system()} is the real one.
 *
 * @param stderrTerminal whether standard error is a terminal the progress bar may redraw
 */
record Context(Map<String, String> env, OutputStream stdout, PrintWriter out, PrintWriter err, boolean stderrTerminal, ZoneId zone,
        Path home, Duration poll) {

    /** The process's own: {@code ./vigil} says whether standard error is a terminal ({@code -Dvigil.stderr.terminal}). */
    static Context system() {
        String terminal = System.getProperty("vigil.stderr.terminal");
        boolean stderrTerminal = terminal != null ? Boolean.parseBoolean(terminal)
                : System.console() != null && !"dumb".equals(System.getenv("TERM"));
        return new Context(System.getenv(), System.out, writer(System.out), writer(System.err), stderrTerminal, ZoneId.systemDefault(),
                Path.of(System.getProperty("user.home")), Duration.ofMillis(500));
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, stream.charset()), true);
    }

    /** An environment variable, null when unset or empty. */
    String env(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }
}
