package dev.vigil.pgclients;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresClientsTest {

    @TempDir
    Path root;

    @Test
    void picksTheClosestMajorThatCanHandleTheServerAndSaysWhatToInstallOtherwise() throws IOException {
        fakeProgram(14, "14.11");
        fakeProgram(16, "16.4");

        PostgresClients clients = PostgresClients.find("pg_dump", root, null);

        assertThat(clients.installed()).extracting(PostgresClients.Program::version).containsExactly("14.11", "16.4");
        assertThat(clients.forServer(13)).hasValueSatisfying(p -> assertThat(p.major()).isEqualTo(14));
        assertThat(clients.forServer(15)).hasValueSatisfying(p -> assertThat(p.major()).isEqualTo(16));
        assertThat(clients.forServer(17)).isEmpty();
        assertThat(clients.noneFits(17, "17.2")).contains("PostgreSQL 17.2").contains("16.4")
                .contains("apt-get install postgresql-client-17");
    }

    @Test
    void nothingInstalledIsSaidPlainly() {
        PostgresClients clients = PostgresClients.find("pg_restore", root.resolve("missing"), null);

        assertThat(clients.installed()).isEmpty();
        assertThat(clients.noneFits(15, "15.18")).contains("pg_restore here is not installed");
    }

    private void fakeProgram(int major, String version) throws IOException {
        Path bin = Files.createDirectories(root.resolve(String.valueOf(major)).resolve("bin"));
        Path program = bin.resolve("pg_dump");
        Files.writeString(program, "#!/bin/sh\necho 'pg_dump (PostgreSQL) " + version + "'\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
