package dev.vigil.e2e;

import static org.awaitility.Awaitility.await;

import dev.vigil.local.LocalKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.GroupState;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** Services run as processes of their own, from the executable jars the images run. */
final class ServiceProcesses {

    private ServiceProcesses() {
    }

    /**
     * {@code java -jar <module>'s exec jar <args>}, its output into {@code log}; lean JVM flags, this JVM's temp
     * directory; signed in to the shared broker as the service the module is. Its HTTP server takes a free
     * port unless {@code args} choose one ({@code --server.port=N}).
     */
    static ProcessBuilder java(String module, Path log, List<String> args) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("..", module, "target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches(Pattern.quote(module) + "-.*-exec\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("build " + module + " first: ./mvnw -DskipTests package -pl " + module));
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-jar", jar.toString(),
                "--spring.main.banner-mode=off"));
        // A property given twice on the command line reads as both values joined: add the free port only when none is chosen.
        if (args.stream().noneMatch(arg -> arg.startsWith("--server.port="))) {
            command.add("--server.port=0");
        }
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // The shared broker, signed in to as the service; the password by environment, never in the arguments.
        builder.environment().put("VIGIL_KAFKA_BOOTSTRAP_SERVERS", LocalKafka.shared().bootstrapServers());
        builder.environment().put("VIGIL_KAFKA_PASSWORD", LocalKafka.shared().password(module));
        return builder;
    }

    /**
     * Waits until {@code process}, whose consumers were started with client id {@code clientId}, is a
     * member of the consumer group {@code group} and the group has settled: from then on the process
     * takes its share of the group's work. Fails at once, with the process's log, if the process ends.
     */
    static void awaitGroupMember(Process process, Path log, String group, String clientId, Duration timeout) throws IOException {
        try (Admin admin = Admin.create(LocalKafka.shared().clientProperties(LocalKafka.ADMIN))) {
            await(clientId + " in consumer group " + group).atMost(timeout).pollInterval(Duration.ofMillis(250))
                    .failFast(clientId + " ended", () -> !process.isAlive())
                    // A group no member has joined yet is not found (a broker of its own, the test run alone).
                    .ignoreExceptionsInstanceOf(java.util.concurrent.ExecutionException.class)
                    .until(() -> admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(),
                            found -> found.groupState() == GroupState.STABLE
                                    && found.members().stream().anyMatch(member -> member.clientId().startsWith(clientId)));
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "; its log " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : ""), e);
        }
    }
}
