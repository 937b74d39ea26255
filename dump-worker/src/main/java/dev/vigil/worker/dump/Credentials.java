package dev.vigil.worker.dump;

import dev.vigil.contracts.Connection;
import dev.vigil.contracts.FailureClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a target's password from its reference, here where the dump runs: the named environment
 * variable, else the named file, else {@code PGPASSWORD}, else none (libpq then reads {@code .pgpass}).
 * The password goes only into a JDBC property and a passfile only this process may read, which
 * pg_dump is pointed at ({@code PGPASSFILE}); never into an argument list, an event or a log.
 */
final class Credentials {

    private final Map<String, String> environment;

    Credentials(Map<String, String> environment) {
        this.environment = environment;
    }

    Optional<String> password(Connection connection) throws DumpFailure {
        if (connection.passwordEnv() != null) {
            String value = environment.get(connection.passwordEnv());
            if (value == null) {
                throw new DumpFailure(FailureClass.AUTHENTICATION, "the password variable " + connection.passwordEnv()
                        + " is not set in the dump worker's environment; set it there (it is never sent in events)");
            }
            return Optional.of(value);
        }
        if (connection.passwordFile() != null) {
            try {
                return Optional.of(Files.readString(Path.of(connection.passwordFile())).strip());
            } catch (IOException e) {
                throw new DumpFailure(FailureClass.AUTHENTICATION, "cannot read the password file " + connection.passwordFile()
                        + " on the dump worker; mount it there and make it readable");
            }
        }
        return Optional.ofNullable(environment.get("PGPASSWORD"));
    }
}
