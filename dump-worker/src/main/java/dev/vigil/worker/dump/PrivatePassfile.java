package dev.vigil.worker.dump;

import dev.vigil.contracts.Connection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A libpq passfile with one entry, in a directory only this process's user can enter, readable by
 * that user alone (0600, as libpq requires), deleted on close. Not thread-safe; one per dump.
 */
final class PrivatePassfile implements AutoCloseable {

    private final Path directory;
    private final Path file;

    private PrivatePassfile(Path directory, Path file) {
        this.directory = directory;
        this.file = file;
    }

    static PrivatePassfile write(Connection target, String password) throws IOException {
        Path directory = Files.createTempDirectory("vigil-pgpass-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = Files.createFile(directory.resolve("pgpass"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, escape(target.host()) + ":" + target.port() + ":" + escape(target.database()) + ":"
                + escape(target.username()) + ":" + escape(password) + "\n");
        return new PrivatePassfile(directory, file);
    }

    Path path() {
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
