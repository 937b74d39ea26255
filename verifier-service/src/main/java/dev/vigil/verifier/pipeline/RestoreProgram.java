package dev.vigil.verifier.pipeline;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.messaging.Cancellation;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.pgclients.PrivatePassfile;
import dev.vigil.pgclients.ServerTls;
import dev.vigil.verifier.VerifierProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the installed program that restores an artifact: pg_restore for custom and directory archives
 * (in parallel, from the file or directory the fetch made), psql for plain SQL (decoded into its
 * standard input). The password goes in a private passfile ({@code PGPASSFILE}), never in its
 * arguments or environment; the server's TLS settings go in {@code PGSSLMODE} and {@code PGSSLROOTCERT}.
 * Thread-safe.
 */
public final class RestoreProgram {

    /** A scratch database's sessions: their commits need not wait for the disk. */
    private static final Map<String, String> SCRATCH_SESSION = Map.of("PGOPTIONS", "-c synchronous_commit=off");

    private final PostgresClients pgRestores;
    private final PostgresClients psqls;
    private final int restoreJobs;

    /**
     * @param pgRestores  the installed pg_restore programs, for custom and directory archives
     * @param psqls       the installed psql programs, for plain SQL
     * @param restoreJobs pg_restore's {@code --jobs}
     */
    public RestoreProgram(PostgresClients pgRestores, PostgresClients psqls, int restoreJobs) {
        this.pgRestores = pgRestores;
        this.psqls = psqls;
        this.restoreJobs = Math.max(1, restoreJobs);
    }

    private PostgresClients restorers(ArtifactStored stored) {
        return isPlain(stored) ? psqls : pgRestores;
    }

    static boolean isPlain(ArtifactStored stored) {
        return "plain".equals(stored.artifact().format());
    }

    /** The program's name, as an operator reads it in a difference. */
    static String name(ArtifactStored stored) {
        return isPlain(stored) ? "psql" : "pg_restore";
    }

    /** The oldest installed program that restores what a server of {@code sourceMajor} dumped. */
    Optional<PostgresClients.Program> forSource(ArtifactStored stored, int sourceMajor) {
        return restorers(stored).forServer(sourceMajor);
    }

    /** Why no installed program restores this artifact, and what to install. */
    String noneFits(ArtifactStored stored, int sourceMajor) {
        return restorers(stored).noneFits(sourceMajor, stored.artifact().serverVersion());
    }

    /**
     * What one run came to: a problem with the artifact itself (it could not be read, or it holds what
     * the verifier refuses to run), or what the program reported; both null when it succeeded.
     */
    record Run(String artifactProblem, String errors) {
    }

    /**
     * Why this program will not restore the artifact, when it will not: a plain SQL artifact is fed
     * to psql only under psql's restriction of backslash commands ({@link PlainSqlGuard}), which an
     * older psql lacks.
     */
    static Optional<String> unsafe(PostgresClients.Program program, ArtifactStored stored) {
        if (!isPlain(stored) || PlainSqlGuard.supportedBy(program.version())) {
            return Optional.empty();
        }
        return Optional.of("psql " + program.version() + " (" + program.executable() + ") cannot restrict backslash commands (\\restrict), "
                + "so a plain SQL artifact could run programs and read files as the verifier's user: plain SQL is not restored with it. "
                + "Install psql 13.22, 14.19, 15.14, 16.10, 17.6 or newer (of major " + program.major() + " or later)");
    }

    /**
     * Restores into {@code database} on {@code server}; {@code selection} are further pg_restore
     * switches choosing what to restore. Cancelled, the program is killed.
     */
    Run run(PostgresClients.Program program, ArtifactStored stored, ArtifactFetch fetch, ArtifactFetch.WorkFiles files,
            VerifierProperties.Server server, String database, List<String> selection, Cancellation cancellation)
            throws IOException, InterruptedException {
        List<String> switches = new ArrayList<>(List.of("--jobs=" + restoreJobs));
        switches.addAll(selection);
        return run(program, stored, fetch, files, server, database, switches, ArtifactFetch.restoredFrom(stored, files), Map.of(), null,
                cancellation);
    }

    /**
     * One pg_restore of a streamed restore ({@link StreamedRestore}): these switches (a section, a
     * list of entries, jobs) on the archive file as it stands, into a scratch database
     * ({@link #SCRATCH_SESSION}).
     */
    Run piece(PostgresClients.Program program, ArtifactStored stored, ArtifactFetch.WorkFiles files, VerifierProperties.Server server,
            String database, List<String> switches, Cancellation cancellation) throws IOException, InterruptedException {
        return run(program, stored, null, files, server, database, switches, ArtifactFetch.restoredFrom(stored, files),
                SCRATCH_SESSION, null, cancellation);
    }

    /** Writes what a pg_restore reading its standard input reads; given the process to stop it when the input cannot be finished. */
    @FunctionalInterface
    interface Feeder {
        void feed(Process process) throws IOException, InterruptedException;
    }

    /**
     * One pg_restore of a streamed restore that reads its standard input, which {@code feeder} writes
     * (and closes) as the archive arrives.
     */
    Run fedPiece(PostgresClients.Program program, ArtifactStored stored, VerifierProperties.Server server, String database,
            List<String> switches, Feeder feeder, Cancellation cancellation) throws IOException, InterruptedException {
        return run(program, stored, null, null, server, database, switches, null, SCRATCH_SESSION, feeder,
                cancellation);
    }

    int jobs() {
        return restoreJobs;
    }

    private Run run(PostgresClients.Program program, ArtifactStored stored, ArtifactFetch fetch, ArtifactFetch.WorkFiles files,
            VerifierProperties.Server server, String database, List<String> switches, java.nio.file.Path archive,
            Map<String, String> environment, Feeder feeder, Cancellation cancellation) throws IOException, InterruptedException {
        List<String> connection = List.of("--no-password", "--host=" + server.host(), "--port=" + server.port(),
                "--username=" + server.username(), "--dbname=" + asConnectionValue(database));
        List<String> command = new ArrayList<>(List.of(program.executable().toString()));
        if (isPlain(stored)) {
            command.addAll(List.of("-X", "-q", "-v", "ON_ERROR_STOP=1"));
            command.addAll(connection);
        } else {
            // Owners, grants and tablespaces belong to the source's server, not to what the backup holds.
            command.addAll(List.of("--no-owner", "--no-privileges", "--no-tablespaces"));
            command.addAll(switches);
            command.addAll(connection);
            if (archive != null) {
                command.add(archive.toString());
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("PGPASSWORD");
        builder.environment().remove("PGOPTIONS");
        builder.environment().put("PGAPPNAME", "vigil-verifier");
        builder.environment().putAll(environment);
        // The server's TLS, as the verifier's own connections have it; nothing inherited from the verifier's environment.
        new ServerTls(server.sslmode(), server.sslrootcert()).applyTo(builder.environment());
        // libpq's connect timeout is whole seconds, and 1 is taken as 2.
        builder.environment().put("PGCONNECT_TIMEOUT", String.valueOf(Math.max(2, (server.connectTimeout().toMillis() + 999) / 1000)));
        try (PrivatePassfile passfile = server.password().isEmpty() ? null
                : PrivatePassfile.write(server.host(), server.port(), "*", server.username(), server.password())) {
            if (passfile != null) {
                builder.environment().put("PGPASSFILE", passfile.path().toString());
            }
            return run(builder, stored, fetch, files, feeder, cancellation);
        }
    }

    private static Run run(ProcessBuilder builder, ArtifactStored stored, ArtifactFetch fetch, ArtifactFetch.WorkFiles files, Feeder feeder,
            Cancellation cancellation) throws IOException, InterruptedException {
        Process process = builder.start();
        cancellation.onCancel(process::destroyForcibly);
        AtomicReference<String> decodeProblem = new AtomicReference<>();
        Thread feeding;
        if (isPlain(stored)) {
            feeding = Thread.ofVirtual().start(() -> feed(stored, fetch, files, process, decodeProblem));
        } else if (feeder != null) {
            feeding = Thread.ofVirtual().start(() -> {
                try (var stdin = process.getOutputStream()) {
                    feeder.feed(process);
                } catch (IOException stoppedReading) {
                    // pg_restore exited early; its output is the reason
                } catch (InterruptedException e) {
                    process.toHandle().destroyForcibly();
                }
            });
        } else {
            process.getOutputStream().close();
            feeding = null;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = process.waitFor();
        if (feeding != null) {
            feeding.join();
        }
        if (decodeProblem.get() != null) {
            return new Run(decodeProblem.get(), null);
        }
        if (exit == 0) {
            return new Run(null, null);
        }
        if (isPlain(stored) && output.contains(PlainSqlGuard.PSQL_REFUSED)) {
            // A meta-command within a line of SQL, which only psql's lexer finds: refused by the restriction.
            return new Run("the plain SQL artifact holds a psql meta-command (a backslash command) within a line of SQL, which pg_dump "
                    + "does not write and the verifier does not run; psql refused it and the artifact was refused", null);
        }
        return new Run(null, output.length() > 1500 ? "..." + output.substring(output.length() - 1500) : output);
    }

    /**
     * The database name as libpq takes it literally. A {@code --dbname} holding {@code =} or a URI
     * prefix is read as a whole connection string ({@code dbname=orders}, {@code x host=evil}); given
     * as a quoted {@code dbname='...'} value, any name is only a name.
     */
    static String asConnectionValue(String database) {
        return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /**
     * Decodes the artifact into psql's input through a {@link PlainSqlGuard}. A failure to read the
     * artifact, or a meta-command the guard refuses, is the verdict, and psql is stopped at once; a
     * failure to write means psql stopped reading, and its own output says why.
     */
    private static void feed(ArtifactStored stored, ArtifactFetch fetch, ArtifactFetch.WorkFiles files, Process psql,
            AtomicReference<String> decodeProblem) {
        try (OutputStream stdin = new PlainSqlGuard(psql.getOutputStream())) {
            InputStream in;
            try {
                in = fetch.decoded(stored, files);
            } catch (IOException e) {
                decodeProblem.set(ArtifactFetch.describe(stored, e));
                return;
            }
            try (in) {
                byte[] buffer = new byte[64 * 1024];
                while (true) {
                    int read;
                    try {
                        read = in.read(buffer);
                    } catch (IOException e) {
                        decodeProblem.set(ArtifactFetch.describe(stored, e));
                        return;
                    }
                    if (read < 0) {
                        return;
                    }
                    stdin.write(buffer, 0, read);
                }
            }
        } catch (PlainSqlGuard.RefusedMetaCommand refused) {
            decodeProblem.set(refused.getMessage());
            // By its handle: Process.destroyForcibly would also close the output the run is still reading.
            psql.toHandle().destroyForcibly();
        } catch (IOException stoppedReading) {
            // psql exited early; its output is the reason
        }
    }
}
