package dev.vigil.pgclients;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A libpq passfile with one entry, in a directory only this process's user can enter, readable by
 * that user alone (0600, as libpq requires), deleted on close: how pg_dump, pg_restore and psql get a
 * password, never through an argument or an environment variable. Not thread-safe; one per run.
 */
public final class PrivatePassfile implements AutoCloseable {

    private final Path directory;
    private final Path file;

    private PrivatePassfile(Path directory, Path file) {
        this.directory = directory;
        this.file = file;
    }

    /** A passfile for {@code username} at {@code host}:{@code port}, database {@code database} ({@code *}: any). */
    public static PrivatePassfile write(String host, int port, String database, String username, String password) throws IOException {
        Path directory = Files.createTempDirectory("vigil-pgpass-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = Files.createFile(directory.resolve("pgpass"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, escape(host) + ":" + port + ":" + ("*".equals(database) ? "*" : escape(database)) + ":"
                + escape(username) + ":" + escape(password) + "\n");
        return new PrivatePassfile(directory, file);
    }

    /** Where it is: what {@code PGPASSFILE} names. */
    public Path path() {
        return file;
    }

    /** libpq's passfile format: ':' and '\' inside a field are escaped with '\'. */
    static String escape(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(directory);
    }
}
