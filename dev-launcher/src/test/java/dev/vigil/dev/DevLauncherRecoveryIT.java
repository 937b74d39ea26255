package dev.vigil.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.local.FreePorts;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./vigil dev} as a user runs it, each run a process of its own started through the script
 * (which picks the JDK and its options and runs the jar built in package): a launcher killed with
 * SIGKILL leaves its PostgreSQL running and its files behind, and the next run must still start, and
 * the console must hold only the launcher's own lines.
 */
class DevLauncherRecoveryIT {

    private static final Path VIGIL = Path.of("..", "vigil").toAbsolutePath().normalize();
    private static final Duration RUN_LIMIT = Duration.ofMinutes(3);

    @TempDir
    Path dataDir;

    @Test
    void afterTheLauncherIsKilledTheNextRunStartsAndEndsVerifiedPrintingOnlyItsOwnLines() throws Exception {
        Path firstOutput = dataDir.resolve("first-run.out");
        Process first = start(firstOutput, "dev", "--data-dir", dataDir.toString(), "--port", String.valueOf(FreePorts.next()));
        String firstConsole;
        try {
            await().atMost(RUN_LIMIT).until(() -> Files.readString(firstOutput).contains("Vigil is up") || !first.isAlive());
            firstConsole = Files.readString(firstOutput);
            assertThat(firstConsole).contains("Vigil is up");

            Run second = run("dev", "--once", "--data-dir", dataDir.toString(), "--port", String.valueOf(FreePorts.next()));
            assertThat(second.exit()).as(second.console()).isEqualTo(1);
            // The pid is the JVM's own: ./vigil execs java, so killing this process kills the launcher itself.
            assertThat(second.console()).contains("vigil: another ./vigil dev (pid " + first.pid() + ") is using " + dataDir
                    + "; stop it, or pass --data-dir DIR to run a second one");
        } finally {
            first.destroyForcibly().waitFor();
        }

        Run again = run("dev", "--once", "--data-dir", dataDir.toString(), "--port", String.valueOf(FreePorts.next()));

        assertThat(again.exit()).as(again.console()).isZero();
        assertThat(again.console())
                .contains("starting PostgreSQL...  ok")
                .contains("(stopped the server an earlier launcher left running)")
                .containsPattern("VERIFIED .* all counts match the source");
        assertThat(thirdPartyLines(firstConsole)).as("first run's console").isEmpty();
        assertThat(thirdPartyLines(again.console())).as("second run's console").isEmpty();
        assertThat(again.console()).as("the jar built in package is run, not rebuilt").doesNotContain("Building Vigil");
    }

    @Test
    void aTakenApiPortIsNamedWithWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Run run = run("dev", "--once", "--data-dir", dataDir.toString(), "--port", String.valueOf(taken.getLocalPort()));

            assertThat(run.exit()).as(run.console()).isEqualTo(1);
            assertThat(run.console()).isEqualTo("vigil: port " + taken.getLocalPort() + " is in use; stop what uses it or pass --port N\n");
        }
    }

    /** Lines a library or the JVM wrote, rather than the launcher: warnings, errors, stack traces. */
    private static List<String> thirdPartyLines(String console) {
        return console.lines().filter(line -> line.contains("WARN") || line.contains("ERROR") || line.startsWith("  !")
                || line.startsWith("SLF4J") || line.contains("Exception") || line.startsWith("\tat ")).toList();
    }

    private record Run(int exit, String console) {
    }

    private Run run(String... args) throws Exception {
        Path output = Files.createTempFile(dataDir, "run-", ".out");
        Process process = start(output, args);
        if (!process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("./vigil " + String.join(" ", args) + " did not end within " + RUN_LIMIT + ":\n" + Files.readString(output));
        }
        return new Run(process.exitValue(), Files.readString(output));
    }

    private static Process start(Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(VIGIL.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
