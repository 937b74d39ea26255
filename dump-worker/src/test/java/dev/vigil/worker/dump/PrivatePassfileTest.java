package dev.vigil.worker.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class PrivatePassfileTest {

    @Test
    void theEntryIsEscapedReadableByItsOwnerAloneAndGoneAfterwards() throws Exception {
        Path path;
        try (PrivatePassfile passfile = PrivatePassfile.write(new Connection("db", 5432, "orders", "backup", null, null), "a:b\\c")) {
            path = passfile.path();
            assertThat(Files.readString(path)).isEqualTo("db:5432:orders:backup:a\\:b\\\\c\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent()))).isEqualTo("rwx------");
        }
        assertThat(path).doesNotExist();
        assertThat(path.getParent()).doesNotExist();
    }
}
