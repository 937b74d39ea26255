package dev.vigil.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Services run as processes of their own, from the executable jars the images run. */
final class ServiceProcesses {

    private ServiceProcesses() {
    }

    /** {@code java -jar <module>'s exec jar <args>}, its output into {@code log}; lean JVM flags, this JVM's temp directory. */
    static ProcessBuilder java(String module, Path log, List<String> args) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("..", module, "target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches(Pattern.quote(module) + "-.*-exec\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("build " + module + " first: ./mvnw -DskipTests package -pl " + module));
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-jar", jar.toString(),
                "--server.port=0", "--spring.main.banner-mode=off"));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    /** Waits until {@code log} holds {@code line}; fails with the log after {@code timeout}. */
    static void awaitLog(Path log, String line, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no '" + line + "' in " + log + " within " + timeout + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }
}
