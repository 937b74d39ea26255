package dev.vigil.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStagingTest extends StagingContractTest {

    @TempDir
    Path tmp;

    @Test
    void aStagedArtifactItsCatalogAndDescriptorAreTheOwnersAloneIn0700Directories() throws Exception {
        Staging staging = staging();
        JobId job = JobId.random();
        ArtifactCreated created;
        try (Staging.Write write = staging.open(TARGET, job, EXTENSION)) {
            write.stream().write(BYTES);
            Path partial = Path.of(URI.create(uriOf(TARGET, job + "." + EXTENSION + ".partial")));
            assertThat(mode(partial)).as("the file being written").isEqualTo("rw-------");
            created = write.commit(artifact());
        }

        Path artifact = Path.of(URI.create(created.stagingUri()));
        assertThat(mode(artifact)).isEqualTo("rw-------");
        assertThat(mode(artifact.resolveSibling(job + ".json"))).as("the descriptor").isEqualTo("rw-------");
        assertThat(mode(Path.of(URI.create(created.artifact().catalogRef().uri())))).as("the catalog").isEqualTo("rw-------");
        assertThat(mode(artifact.getParent())).as("the target's folder").isEqualTo("rwx------");
        assertThat(mode(tmp.resolve("staging"))).as("the staging directory it made").isEqualTo("rwx------");
    }

    @Test
    void aTargetFolderOthersCouldEnterIsTightenedBeforeAnythingIsStagedInIt() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("staging").resolve(TARGET.value()));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));

        commit(staging(), JobId.random());

        assertThat(mode(folder)).isEqualTo("rwx------");
    }

    @Test
    void aProbeReportsTheFreeSpaceOfTheStagingDirectory() throws Exception {
        Staging.Probe probe = staging().probe();

        assertThat(probe.location()).isEqualTo(tmp.resolve("staging").toUri().toString());
        assertThat(probe.usableBytes()).isPresent();
        assertThat(probe.usableBytes().getAsLong()).isPositive();
    }

    @Test
    void aStagingDirectoryThatCannotBeMadeFailsTheProbeNamingIt() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        Staging staging = new LocalStaging(file.resolve("staging"));

        assertThatThrownBy(staging::probe).isInstanceOf(IOException.class)
                .hasMessageContaining("staging directory " + file.resolve("staging"))
                .hasMessageContaining("vigil.staging.dir");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Override
    Staging staging() {
        return new LocalStaging(tmp.resolve("staging"));
    }

    @Override
    List<String> contents() throws IOException {
        Path dir = tmp.resolve("staging");
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> !f.equals(dir)).map(Path::toString).toList();
        }
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
