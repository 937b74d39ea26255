package dev.vigil.worker.dump;

import dev.vigil.contracts.Connection;
import dev.vigil.contracts.FailureClass;
import dev.vigil.worker.WorkerProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves a target's password from its reference, here where the dump runs: the named environment
 * variable, else the named file, else {@code PGPASSWORD}, else none (libpq then reads {@code .pgpass}).
 * The password goes only into a JDBC property and a passfile only this process may read, which
 * pg_dump is pointed at ({@code PGPASSFILE}); never into an argument list, an event or a log.
 * Immutable, thread-safe.
 */
public final class Credentials {

    private final Map<String, String> environment;
    private final Pattern allowedVariables;
    private final Path passwordDir;

    /**
     * @param allowedVariables the variables a target may name; any other (say {@code AWS_SECRET_ACCESS_KEY})
     *                         would have the worker send that secret as a password to the target's host
     * @param passwordDir      the directory password files must lie in, after links are followed
     */
    Credentials(Map<String, String> environment, Pattern allowedVariables, Path passwordDir) {
        this.environment = environment;
        this.allowedVariables = allowedVariables;
        this.passwordDir = passwordDir;
    }

    /** The worker's credentials: its own environment, limited by {@code vigil.worker.password-env-pattern} and {@code password-dir}. */
    public static Credentials of(WorkerProperties properties) {
        return new Credentials(System.getenv(), Pattern.compile(properties.passwordEnvPattern()), properties.passwordDir());
    }

    /** The target's password, if it names one (else libpq's {@code .pgpass} applies); a failure says what to fix and holds no secret. */
    public Optional<String> password(Connection connection) throws DumpFailure {
        if (connection.passwordEnv() != null) {
            if (!allowedVariables.matcher(connection.passwordEnv()).matches()) {
                throw new DumpFailure(FailureClass.AUTHENTICATION, "the password variable " + connection.passwordEnv() + " is not one a "
                        + "target may name (vigil.worker.password-env-pattern: " + allowedVariables.pattern() + "); nothing was sent. "
                        + "Put the password in a variable that matches, e.g. ORDERS_PGPASSWORD");
            }
            String value = environment.get(connection.passwordEnv());
            if (value == null) {
                throw new DumpFailure(FailureClass.AUTHENTICATION, "the password variable " + connection.passwordEnv()
                        + " is not set in the dump worker's environment; set it there (it is never sent in events)");
            }
            return Optional.of(value);
        }
        if (connection.passwordFile() != null) {
            Path file;
            try {
                file = Path.of(connection.passwordFile()).toRealPath();
                if (!file.startsWith(passwordDir.toRealPath())) {
                    throw new DumpFailure(FailureClass.AUTHENTICATION, "the password file " + connection.passwordFile() + " is not in "
                            + passwordDir + " (vigil.worker.password-dir), where a target's password files must lie; nothing was read");
                }
            } catch (IOException e) {
                throw new DumpFailure(FailureClass.AUTHENTICATION, "cannot read the password file " + connection.passwordFile()
                        + " on the dump worker; mount it there (in " + passwordDir + ") and make it readable");
            }
            try {
                return Optional.of(Files.readString(file).strip());
            } catch (IOException e) {
                throw new DumpFailure(FailureClass.AUTHENTICATION, "cannot read the password file " + connection.passwordFile()
                        + " on the dump worker; mount it there and make it readable");
            }
        }
        return Optional.ofNullable(environment.get("PGPASSWORD"));
    }
}
