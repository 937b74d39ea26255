package dev.vigil.storage.destination;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/** {@link FilesystemStore} in a directory of its own per test. */
class FilesystemStoreContractTest extends ArtifactStoreContract {

    @TempDir
    Path root;

    @Override
    ArtifactStore store() {
        return new FilesystemStore(root.resolve("replica"));
    }

    @Override
    void assertNothingLeftBehind(ArtifactStore store) {
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile).map(Path::toString)).as("partial files").noneMatch(f -> f.endsWith(".partial"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
