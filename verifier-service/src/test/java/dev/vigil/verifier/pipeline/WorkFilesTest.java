package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restore downloads and decodes lies where only the verifier's user can look, and goes when the restore ends. */
class WorkFilesTest {

    @TempDir
    Path workDir;

    private static final ArtifactStored STORED = ArtifactStored.now(JobId.random(), new TargetId("shop"),
            new StoredObject("primary", "b", "shop/k.dump.zst"), new Artifact("custom", 1, "ab".repeat(32), "15.18", "15.18",
                    List.of(new TableRowCount("public", "t", 1)), "zstd", null, null));

    @Test
    void aRunsFilesLieInADirectoryOnlyItsUserCanEnterAndAreGoneAfterwards() throws Exception {
        Path directory;
        try (ArtifactFetch.WorkFiles files = new ArtifactFetch.WorkFiles(workDir, "job-1", STORED)) {
            directory = files.directory;
            Files.writeString(files.artifact, "downloaded");
            Files.createDirectories(files.restorable).resolve("toc.dat").toFile().createNewFile();

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
            assertThat(files.artifact.getParent()).isEqualTo(directory);
            assertThat(files.restorable.getParent()).isEqualTo(directory);
        }
        assertThat(directory).doesNotExist();
    }

    @Test
    void whatAStoppedRunLeftIsReplaced() throws Exception {
        Path leftover = Files.createDirectories(workDir.resolve("job-2").resolve("restore.dump"));
        Files.writeString(leftover.resolve("3391.dat"), "half a table");

        try (ArtifactFetch.WorkFiles files = new ArtifactFetch.WorkFiles(workDir, "job-2", STORED)) {
            assertThat(files.restorable).doesNotExist();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.directory))).isEqualTo("rwx------");
        }
    }
}
