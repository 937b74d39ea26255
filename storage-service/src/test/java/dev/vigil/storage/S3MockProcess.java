package dev.vigil.storage;

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

/**
 * Adobe's S3Mock (from Maven Central, copied into {@code target/s3mock} by the build) as a process of
 * its own: a real S3 API endpoint that keeps Object Lock settings (bucket configuration, object
 * retention), which S3Proxy does not implement. It stores them without enforcing them.
 */
final class S3MockProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path root;

    private S3MockProcess(Process process, int port, Path root) {
        this.process = process;
        this.port = port;
        this.root = root;
    }

    static S3MockProcess start() throws Exception {
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
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited at start-up: " + Files.readString(log));
            }
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create(s3mock.endpoint() + "/")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return s3mock;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (System.nanoTime() > deadline) {
                s3mock.close();
                throw new IllegalStateException("S3Mock did not answer within 90 s: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    String endpoint() {
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
