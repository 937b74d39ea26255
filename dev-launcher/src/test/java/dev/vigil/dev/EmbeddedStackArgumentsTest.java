package dev.vigil.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings a service gets from the stack are the ones a process of its own gets (the whole-product benchmark runs them so). */
class EmbeddedStackArgumentsTest {

    private final EmbeddedStack.Settings settings = new EmbeddedStack.Settings("127.0.0.1:9092", service -> "secret-of-" + service,
            "jdbc:postgresql://127.0.0.1:5544/vigil", "postgres", "http://127.0.0.1:9000", "vigil-backups", Path.of("/data/staging"),
            Path.of("/data/verify"), "127.0.0.1", 5544, "vigil_verifier", Path.of("/data/targets.yml"), 8080,
            Map.of("vigil.storage.object-lock-mode", "OFF", "vigil.scheduler.bootstrap-token-file", "/data/admin-token"));

    @Test
    void theSchedulerIsToldWhereStorageAnswersAndWhereToWriteTheToken() {
        assertThat(EmbeddedStack.arguments("scheduler-service", settings, 8080, 8123)).contains("--server.port=8080",
                "--vigil.scheduler.storage-url=http://localhost:8123", "--vigil.scheduler.bootstrap-token-file=/data/admin-token",
                "--vigil.scheduler.targets-file=/data/targets.yml", "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5544/vigil")
                // Given once only: twice, Spring would read both values joined by a comma.
                .filteredOn(arg -> arg.startsWith("--vigil.scheduler.bootstrap-token-file=")).hasSize(1);
    }

    @Test
    void theVerifierRestoresIntoTheScratchServerAndEveryServiceGetsTheExtras() {
        assertThat(EmbeddedStack.arguments("verifier-service", settings, 0, 0)).contains("--server.port=0",
                "--vigil.verifier.scratch.host=127.0.0.1", "--vigil.verifier.scratch.port=5544", "--vigil.verifier.scratch.username=vigil_verifier",
                "--vigil.verifier.endpoint=http://127.0.0.1:9000", "--vigil.storage.object-lock-mode=OFF");
        assertThat(EmbeddedStack.arguments("dump-worker", settings, 0, 0)).contains("--vigil.staging.dir=/data/staging")
                .noneMatch(arg -> arg.startsWith("--spring.datasource."));
    }

    @Test
    void noBrokerPasswordIsAmongTheArguments() {
        for (String service : EmbeddedStack.SERVICES) {
            assertThat(EmbeddedStack.arguments(service, settings, 0, 0)).noneMatch(arg -> arg.contains("secret-of-"));
        }
        assertThatThrownBy(() -> EmbeddedStack.arguments("no-such-service", settings, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
