package dev.vigil.staging;

import dev.vigil.contracts.TargetId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalStagingTest extends StagingContractTest {

    @TempDir
    Path tmp;

    @Override
    Staging staging() {
        return new LocalStaging(tmp.resolve("staging"));
    }

    @Override
    boolean exists(String stagingUri) {
        return Files.exists(Path.of(URI.create(stagingUri)));
    }

    @Override
    String uriOf(TargetId target, String name) {
        return tmp.resolve("staging").resolve(target.value()).resolve(name).toUri().toString();
    }

    @Override
    String elsewhere(String name, byte[] bytes) {
        try {
            Path file = tmp.resolve("bucket").resolve(name);
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes).toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
