package dev.vigil.worker.dump;

import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.Compression;
import dev.vigil.codec.DirectoryArchive;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.Sha256;
import dev.vigil.messaging.Cancellation;
import dev.vigil.pgclients.PrivatePassfile;
import dev.vigil.pgclients.ServerTls;
import dev.vigil.pgclients.TlsFailures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs pg_dump in the custom format on an exported snapshot and streams its output into a file,
 * computing the SHA-256 on the way: no copy in memory. The password reaches pg_dump only through a
 * passfile readable by this process's user alone, deleted when pg_dump ends: never its argument
 * list, never its environment (which other tools show more readily than a 0600 file).
 */
final class PgDumpProcess {

    /** What was written. */
    record Output(long sizeBytes, String sha256) {
    }

    private static final int STDERR_TAIL = 2000;

    private PgDumpProcess() {
    }

    /** How pg_dump's output is wrapped on its way to staging. */
    record Wrapping(Compression compression, int level, int workers, ArtifactCodec.Encryption key) {
    }

    /**
     * @param sink    where the artifact's bytes go (staging); closed when done
     * @param workDir local scratch space for the directory format's files, kept under {@code jobName}
     */
    static Output run(Path pgDump, Connection target, Optional<String> password, String snapshotId, OutputStream sink, Path workDir,
            String jobName, long connectTimeoutSeconds, DumpOptions options, Wrapping wrapping, DumpProgress progress,
            Cancellation cancellation) throws DumpFailure, InterruptedException {
        List<String> command = new ArrayList<>(List.of(pgDump.toString(), "--no-password", "--snapshot=" + snapshotId,
                "--host=" + target.host(), "--port=" + target.port(), "--username=" + target.username(),
                "--dbname=" + target.database()));
        command.addAll(arguments(options));
        // The directory format writes files (in parallel), which are then archived into the artifact.
        Path directory = options.format().equals("directory") ? workDir.resolve(jobName + ".dir") : null;
        if (directory != null) {
            // What a worker killed mid-dump left of this job; pg_dump wants a directory of its own.
            deleteDirectory(directory);
            command.add("--file=" + directory);
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.remove("PGPASSWORD");
        environment.put("PGCONNECT_TIMEOUT", String.valueOf(Math.max(2, connectTimeoutSeconds)));
        environment.put("PGAPPNAME", "vigil-dump-worker");
        // The target's TLS, as the worker's own connection has it; nothing inherited from the worker's environment.
        new ServerTls(target.sslmodeOrDefault(), target.sslrootcert()).applyTo(environment);
        try (PrivatePassfile passfile = password.isPresent() ? PrivatePassfile.write(target.host(), target.port(), target.database(), target.username(), password.get()) : null) {
            if (passfile != null) {
                environment.put("PGPASSFILE", passfile.path().toString());
            }
            return stream(builder, pgDump, target, sink, directory, wrapping, progress, cancellation);
        } catch (IOException e) {
            throw new DumpFailure(FailureClass.STAGING, "could not write a private passfile for pg_dump: " + e.getMessage());
        }
    }

    private static Output stream(ProcessBuilder builder, Path pgDump, Connection target, OutputStream sink, Path directory,
            Wrapping wrapping, DumpProgress progress, Cancellation cancellation) throws DumpFailure, InterruptedException {
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new DumpFailure(FailureClass.DUMP_ERROR, "could not start " + pgDump + ": " + e.getMessage());
        }
        // Killing pg_dump ends the copy below (its output closes); the partial artifact is then discarded.
        cancellation.onCancel(process::destroyForcibly);
        StderrTail stderr = new StderrTail(process.getErrorStream(), progress);
        Thread stderrReader = Thread.ofVirtual().start(stderr);
        MessageDigest sha256 = Sha256.digest();
        long size;
        try (InputStream in = process.getInputStream();
                OutputStream out = ArtifactCodec.encoder(progress.counting(new DigestOutputStream(sink, sha256)),
                        wrapping.compression(), wrapping.level(), wrapping.workers(), wrapping.key())) {
            if (directory == null) {
                in.transferTo(out);
            } else {
                in.transferTo(OutputStream.nullOutputStream());
                int exit = process.waitFor();
                stderrReader.join();
                if (exit != 0) {
                    throw classify(exit, stderr.tail(), target);
                }
                DirectoryArchive.write(directory, out);
            }
            out.close();
            size = progress.bytesWritten();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new DumpFailure(FailureClass.STAGING, "could not write the artifact to staging: " + e.getMessage()
                    + "; check free space and permissions of vigil.staging.dir, or the staging bucket");
        } finally {
            deleteDirectory(directory);
        }
        int exit = process.waitFor();
        stderrReader.join();
        if (exit != 0) {
            throw classify(exit, stderr.tail(), target);
        }
        return new Output(size, Sha256.hex(sha256));
    }

    private static void deleteDirectory(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            DirectoryArchive.delete(directory);
        } catch (IOException e) {
            // a later dump of the same job starts by removing it again
        }
    }

    /**
     * pg_dump's options for what to dump. pg_dump writes uncompressed (the worker compresses and
     * encrypts in one streaming pass); --verbose names each table as it is dumped, for progress.
     * Names are exact: each is double-quoted, which makes pg_dump's pattern syntax take it literally.
     */
    static List<String> arguments(DumpOptions options) {
        List<String> arguments = new ArrayList<>(List.of("--format=" + options.format(), "--compress=0", "--verbose"));
        if (options.format().equals("directory")) {
            arguments.add("--jobs=" + options.jobs());
        }
        if (options.format().equals("plain")) {
            // Plain SQL is replayed by psql wherever it is restored: no roles or grants it may not find there.
            arguments.addAll(List.of("--no-owner", "--no-privileges"));
        }
        options.schemas().forEach(s -> arguments.add("--schema=" + literal(s)));
        options.excludeSchemas().forEach(s -> arguments.add("--exclude-schema=" + literal(s)));
        options.tables().forEach(t -> arguments.add("--table=" + qualified(t)));
        options.excludeTables().forEach(t -> arguments.add("--exclude-table=" + qualified(t)));
        if (options.schemaOnly()) {
            arguments.add("--schema-only");
        }
        return arguments;
    }

    private static String literal(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String qualified(String schemaDotTable) {
        int dot = schemaDotTable.indexOf('.');
        return literal(schemaDotTable.substring(0, dot)) + "." + literal(schemaDotTable.substring(dot + 1));
    }

    static DumpFailure classify(int exit, String stderr, Connection target) {
        String lower = stderr.toLowerCase();
        FailureClass failureClass;
        if (lower.contains("server version mismatch") || lower.contains("aborting because of server version mismatch")) {
            failureClass = FailureClass.VERSION_MISMATCH;
        } else if (lower.contains("permission denied")) {
            failureClass = FailureClass.PERMISSION_DENIED;
        } else if (lower.contains("password authentication failed") || lower.contains("no password supplied")) {
            failureClass = FailureClass.AUTHENTICATION;
        } else if (TlsFailures.inLibpqOutput(stderr)) {
            return new DumpFailure(FailureClass.AUTHENTICATION, "pg_dump of " + target.describe() + " failed on TLS (sslmode "
                    + target.sslmodeOrDefault() + "), exit " + exit + ": " + stderr.strip()
                    + " Check the target's sslmode and sslrootcert.");
        } else if (lower.contains("could not connect") || lower.contains("connection refused") || lower.contains("timeout expired")) {
            failureClass = FailureClass.UNREACHABLE;
        } else {
            failureClass = FailureClass.DUMP_ERROR;
        }
        return new DumpFailure(failureClass, "pg_dump of " + target.describe() + " exited with " + exit + ": " + stderr.strip());
    }

    /**
     * Reads pg_dump's stderr line by line: progress lines update {@link DumpProgress}, everything else
     * is kept, its last part only, so a chatty failure cannot fill memory.
     */
    private static final class StderrTail implements Runnable {

        private final InputStream in;
        private final DumpProgress progress;
        private final StringBuilder tail = new StringBuilder();

        StderrTail(InputStream in, DumpProgress progress) {
            this.in = in;
            this.progress = progress;
        }

        @Override
        public void run() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (progress.readVerboseLine(line)) {
                        continue;
                    }
                    synchronized (tail) {
                        tail.append(line).append('\n');
                        if (tail.length() > STDERR_TAIL) {
                            tail.delete(0, tail.length() - STDERR_TAIL);
                        }
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }

        String tail() {
            synchronized (tail) {
                return tail.toString();
            }
        }
    }
}
