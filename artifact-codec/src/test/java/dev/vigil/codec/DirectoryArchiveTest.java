package dev.vigil.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryArchiveTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryComesBackFileForFile() throws Exception {
        Path source = Files.createDirectories(dir.resolve("dump"));
        byte[] big = new byte[700_001];
        new Random(3).nextBytes(big);
        Files.write(source.resolve("toc.dat"), "PGDMP toc".getBytes());
        Files.write(source.resolve("3391.dat"), big);
        Files.write(source.resolve("3392.dat"), new byte[0]);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();

        DirectoryArchive.write(source, tar);
        Path copy = dir.resolve("copy");
        DirectoryArchive.extract(new ByteArrayInputStream(tar.toByteArray()), copy);

        assertThat(Files.readString(copy.resolve("toc.dat"))).isEqualTo("PGDMP toc");
        assertThat(Files.readAllBytes(copy.resolve("3391.dat"))).isEqualTo(big);
        assertThat(copy.resolve("3392.dat")).isEmptyFile();
        assertThat(tar.size() % 512).isZero();

        DirectoryArchive.delete(copy);
        DirectoryArchive.delete(copy);
        assertThat(copy).doesNotExist();
    }

    @Test
    void theArchiveIsATarAnyTarReads() throws Exception {
        Path source = Files.createDirectories(dir.resolve("dump"));
        Files.write(source.resolve("toc.dat"), "PGDMP toc".getBytes());
        Files.write(source.resolve("3391.dat"), new byte[70_000]);
        Path archive = dir.resolve("dump.tar");
        try (var out = Files.newOutputStream(archive)) {
            DirectoryArchive.write(source, out);
        }

        Process tar = new ProcessBuilder("tar", "-tvf", archive.toString()).redirectErrorStream(true).start();
        String listing = new String(tar.getInputStream().readAllBytes());

        assertThat(tar.waitFor()).as(listing).isZero();
        assertThat(listing.lines()).hasSize(2).anySatisfy(line -> assertThat(line).contains("70000").endsWith("3391.dat"))
                .anySatisfy(line -> assertThat(line).endsWith("toc.dat"));
    }

    @Test
    void aTruncatedArchiveIsCaught() throws Exception {
        Path source = Files.createDirectories(dir.resolve("dump"));
        Files.write(source.resolve("toc.dat"), new byte[5000]);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        DirectoryArchive.write(source, tar);
        byte[] truncated = Arrays.copyOf(tar.toByteArray(), 3000);

        assertThatThrownBy(() -> DirectoryArchive.extract(new ByteArrayInputStream(truncated), dir.resolve("copy")))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("truncated");
    }
}
