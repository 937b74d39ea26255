package dev.vigil.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL server and client programs: {@code $VIGIL_PG_BIN} if set, else the newest
 * {@code /usr/lib/postgresql/<major>/bin} (Debian's layout), else the directory of {@code pg_ctl}
 * on the PATH.
 */
public final class PostgresBinaries {

    private PostgresBinaries() {
    }

    /** The directory holding initdb, pg_ctl, psql, pg_dump and pg_restore, or a clear error saying what to install. */
    public static Path binDir() {
        return find().orElseThrow(() -> new IllegalStateException(
                "PostgreSQL server binaries not found: install them (Debian: apt-get install -y postgresql) "
                        + "or set VIGIL_PG_BIN to the directory holding initdb and pg_ctl"));
    }

    public static Optional<Path> find() {
        String configured = System.getenv("VIGIL_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(dir -> Files.isExecutable(dir.resolve("initdb")));
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> majors = Files.list(debian)) {
                Optional<Path> newest = majors.map(major -> major.resolve("bin"))
                        .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                        .max(Comparator.comparingInt(PostgresBinaries::majorOf));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "pg_ctl")) && Files.isExecutable(Path.of(entry, "initdb"))) {
                return Optional.of(Path.of(entry));
            }
        }
        return Optional.empty();
    }

    private static int majorOf(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
