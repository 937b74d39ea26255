package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images run each service's executable jar alone, without the test or launcher classpath that
 * hides a missing dependency: each jar must carry its own code, settings and the PostgreSQL driver.
 */
class ExecutableJarsTest {

    @ParameterizedTest
    @ValueSource(strings = {"scheduler-service", "dump-worker", "storage-service", "verifier-service", "notifier-service"})
    void eachServiceJarCarriesItsCodeItsSettingsAndThePostgresDriver(String service) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("..", service, "target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches(service + "-.*-exec\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no executable jar of " + service + "; build it with ./mvnw -DskipTests package"));
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> libraries = zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("BOOT-INF/lib/")).toList();
            assertThat(libraries).as("libraries in %s", jar).anyMatch(n -> n.matches("BOOT-INF/lib/postgresql-[0-9.]+\\.jar"));
            assertThat(libraries).as("test-only infrastructure must not ship").noneMatch(n -> n.contains("local-infrastructure"));
            assertThat(zip.getEntry("BOOT-INF/classes/" + service + ".yml")).as("%s.yml in %s", service, jar).isNotNull();
        }
    }
}
