package dev.vigil.storage.destination;

import static org.awaitility.Awaitility.await;

import dev.vigil.local.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Adobe's S3Mock (from Maven Central, copied into {@code target/s3mock} by the build) as a process of
 * its own: a real S3 API endpoint that keeps Object Lock settings (bucket configuration, object
 * retention), which S3Proxy does not implement. It stores them without enforcing them. Public for the
 * service tests in {@code dev.vigil.storage}.
 */
public final class S3MockProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path root;

    private S3MockProcess(Process process, int port, Path root) {
        this.process = process;
        this.port = port;
        this.root = root;
    }

    public static S3MockProcess start() throws Exception {
        Path jar = Path.of("target", "s3mock", "s3mock-exec.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing; the build copies it (./mvnw -pl storage-service verify)");
        }
        int port = FreePorts.next();
        Path root = Files.createTempDirectory("s3mock");
        Path log = root.resolveSibling(root.getFileName() + ".log");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--http.port=" + port, "--server.port=" + FreePorts.next(),
                "--com.adobe.testing.s3mock.store.root=" + root, "--com.adobe.testing.s3mock.store.region=us-east-1",
                "--spring.main.banner-mode=off"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3MockProcess s3mock = new S3MockProcess(process, port, root);
        try (HttpClient http = HttpClient.newHttpClient()) {
            await("S3Mock answering on " + s3mock.endpoint()).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .failFast("S3Mock exited at start-up", () -> !process.isAlive())
                    .ignoreExceptionsInstanceOf(IOException.class) // still starting: the port is not open yet
                    .until(() -> http.send(HttpRequest.newBuilder(URI.create(s3mock.endpoint() + "/")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            return s3mock;
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            s3mock.close();
            throw new IllegalStateException(e.getMessage() + "; its log: " + Files.readString(log), e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp
        }
    }
}
