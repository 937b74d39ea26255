package dev.vigil.pgclients;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class PrivatePassfileTest {

    @Test
    void theEntryIsEscapedReadableByItsOwnerAloneAndGoneAfterwards() throws Exception {
        Path path;
        try (PrivatePassfile passfile = PrivatePassfile.write("db", 5432, "orders", "backup", "a:b\\c")) {
            path = passfile.path();
            assertThat(Files.readString(path)).isEqualTo("db:5432:orders:backup:a\\:b\\\\c\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent()))).isEqualTo("rwx------");
        }
        assertThat(path).doesNotExist();
        assertThat(path.getParent()).doesNotExist();
    }
}
