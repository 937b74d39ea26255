package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** Runs the command line in this JVM, through its main entry, with an environment and a home of the test's own. */
final class Cli {

    record Result(int exit, String out, String err, byte[] stdoutBytes) {

        /** Standard output and error together, for messages. */
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env = new HashMap<>();
    private final Path home;
    private boolean terminal;

    Cli(Path home) {
        this.home = home;
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    }

    Cli env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    /** Signed in to {@code scheduler} with its token, by environment. */
    Cli signedIn(FakeScheduler scheduler) {
        return env("VIGIL_URL", scheduler.url()).env("VIGIL_TOKEN", FakeScheduler.TOKEN);
    }

    Cli terminal(boolean terminal) {
        this.terminal = terminal;
        return this;
    }

    /** A context like {@link #run}'s, whose output goes nowhere. */
    Context context() {
        return new Context(Map.copyOf(env), new ByteArrayOutputStream(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                terminal, ZoneOffset.UTC, home, Duration.ofMillis(5));
    }

    Result run(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter stderr = new StringWriter();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        Context context = new Context(Map.copyOf(env), stdout, out, new PrintWriter(stderr, true), terminal, ZoneOffset.UTC, home,
                Duration.ofMillis(5));
        int exit = VigilCli.run(args, context);
        out.flush();
        Result result = new Result(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(), stdout.toByteArray());
        assertThat(result.out() + result.err()).as("what the command line printed").doesNotContain("s3cr3t");
        return result;
    }
}
