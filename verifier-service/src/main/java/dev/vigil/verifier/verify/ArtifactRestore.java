package dev.vigil.verifier.verify;

import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.ArtifactDamagedException;
import dev.vigil.codec.Compression;
import dev.vigil.codec.DirectoryArchive;
import dev.vigil.codec.Keyring;
import dev.vigil.codec.UnknownKeyException;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.Sha256;
import dev.vigil.messaging.Cancellation;
import dev.vigil.verifier.VerifierProperties;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Brings a stored backup into a database: downloads the object into the work directory (checking
 * its SHA-256 on the way), decodes it to a file pg_restore can restore in parallel, and runs
 * pg_restore (or psql for plain SQL). Shared by verifications and restores on demand.
 */
final class ArtifactRestore {

    private final S3Client s3;
    private final Keyring keyring;
    private final int restoreJobs;
    private final dev.vigil.pgclients.PostgresClients pgRestores;
    private final dev.vigil.pgclients.PostgresClients psqls;

    /**
     * @param pgRestores the installed pg_restore programs, for custom and directory archives
     * @param psqls      the installed psql programs, for plain SQL
     */
    ArtifactRestore(S3Client s3, Keyring keyring, int restoreJobs, dev.vigil.pgclients.PostgresClients pgRestores,
            dev.vigil.pgclients.PostgresClients psqls) {
        this.s3 = s3;
        this.keyring = keyring;
        this.restoreJobs = Math.max(1, restoreJobs);
        this.pgRestores = pgRestores;
        this.psqls = psqls;
    }

    /** The programs that restore this artifact: psql for plain SQL, pg_restore for the rest. */
    dev.vigil.pgclients.PostgresClients restorers(ArtifactStored stored) {
        return "plain".equals(stored.artifact().format()) ? psqls : pgRestores;
    }

    /**
     * The files of one restore in the work directory: the download and, beside it, what pg_restore
     * reads when the download must be decoded or unpacked first. Closing removes both.
     */
    static final class WorkFiles implements AutoCloseable {

        final Path artifact;
        final Path restorable;
        /** How long downloading and decoding or unpacking took, when they are one pass: part of the measured recovery time. */
        long decodeNanos;

        WorkFiles(Path workDir, String name, ArtifactStored stored) {
            this.artifact = workDir.resolve(name + "." + stored.artifact().fileExtension());
            this.restorable = workDir.resolve(name + ".restore.dump");
        }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(artifact);
                if (Files.isDirectory(restorable)) {
                    DirectoryArchive.delete(restorable);
                } else {
                    Files.deleteIfExists(restorable);
                }
            } catch (IOException ignored) {
                // the work directory is scratch space
            }
        }
    }

    /**
     * The bytes the work directory needs for this backup: the download, or its decoded form where one
     * is made instead (compressed: several times larger).
     */
    static long spaceNeeded(ArtifactStored stored) {
        boolean decoded = decodedBeforeRestore(stored);
        boolean compressed = stored.artifact().compression() != null && !"none".equals(stored.artifact().compression());
        return stored.artifact().sizeBytes() * (decoded && compressed ? 5 : 1);
    }

    /**
     * Downloads the stored object and makes what pg_restore reads of it. An artifact that must be
     * decoded (compressed or encrypted custom format) or unpacked (directory format) is decoded as it
     * arrives, in one pass with the SHA-256, so the download is never written and the decoding
     * overlaps it; any other is written as it is. Answers why the artifact cannot be restored, or
     * empty when it is ready. A checksum that differs from the worker's is the reason whenever it
     * differs (a flipped byte or a truncated object), whatever the decoder made of the bytes;
     * otherwise the decoder's reason (a key not held, a broken stream).
     */
    Optional<String> fetch(ArtifactStored stored, WorkFiles files, Cancellation cancellation) throws IOException {
        boolean decode = decodedBeforeRestore(stored);
        MessageDigest digest = Sha256.digest();
        long started = System.nanoTime();
        var object = s3.getObject(b -> b.bucket(stored.location().bucket()).key(stored.location().key()));
        cancellation.onCancel(object::abort);
        Optional<String> problem = Optional.empty();
        try (InputStream in = new DigestInputStream(object, digest)) {
            if (!decode) {
                try (OutputStream out = Files.newOutputStream(files.artifact)) {
                    in.transferTo(out);
                }
            } else {
                // Downloading and hashing on one thread, decoding and writing on this one.
                try (ReadAhead ahead = new ReadAhead(in, "download-" + stored.jobId())) {
                    problem = decodeInto(stored, new FilterInputStream(ahead) {
                        @Override
                        public void close() {
                            // the download is drained below, for its checksum
                        }
                    }, files.restorable);
                    ahead.transferTo(OutputStream.nullOutputStream());
                }
                files.decodeNanos = System.nanoTime() - started;
            }
        }
        String sha256 = Sha256.hex(digest);
        if (!sha256.equals(stored.artifact().sha256())) {
            return Optional.of("artifact checksum mismatch: the stored object's SHA-256 is " + sha256
                    + " but the dump worker wrote " + stored.artifact().sha256() + "; the stored backup is damaged");
        }
        return problem;
    }

    /** Decodes (custom format) or unpacks (directory format) the artifact into {@code restorable}; answers why that failed. */
    private Optional<String> decodeInto(ArtifactStored stored, InputStream artifact, Path restorable) {
        try (InputStream in = ArtifactCodec.decoder(artifact, Compression.of(stored.artifact().compression()), stored.artifact().encryptionKeyId(),
                keyring)) {
            if ("directory".equals(stored.artifact().format())) {
                DirectoryArchive.extract(in, restorable);
            } else {
                try (OutputStream out = Files.newOutputStream(restorable)) {
                    // Large reads: the decompressor returns at most what is asked for, and each call crosses into native code.
                    byte[] buffer = new byte[1 << 20];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        out.write(buffer, 0, n);
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(describe(stored, e));
        }
    }

    /**
     * Whether pg_restore reads a decoded form of the download rather than the download itself: a
     * directory-format artifact is unpacked from its tar, and a custom-format one that is compressed or
     * encrypted is decoded to a file, since pg_restore restores in parallel ({@code --jobs}) only from
     * a file it can seek in (one job reading standard input took about 1.5 times as long). A plain
     * custom artifact is that file already; plain SQL is decoded into psql's standard input.
     */
    static boolean decodedBeforeRestore(ArtifactStored stored) {
        String format = stored.artifact().format();
        return "directory".equals(format) || "custom".equals(format) && (stored.artifact().encryptionKeyId() != null
                || stored.artifact().compression() != null && !"none".equals(stored.artifact().compression()));
    }

    /** What a restore came to: a problem reading the artifact itself, or what pg_restore/psql reported; both null when it succeeded. */
    record Restored(String decodeProblem, String restoreErrors) {
    }

    /**
     * Restores into {@code database} on {@code server}. Custom and directory formats are restored in
     * parallel by pg_restore --jobs from a file or directory: the decoded or unpacked file or, for a
     * custom artifact neither compressed nor encrypted, the download itself; {@code selection} are
     * further pg_restore switches choosing what to restore. Plain SQL is decoded (decrypted,
     * decompressed) straight into psql's standard input.
     */
    Restored restore(Path program, ArtifactStored stored, WorkFiles files, VerifierProperties.Scratch server, String database,
            List<String> selection, Cancellation cancellation) throws IOException, InterruptedException {
        String format = stored.artifact().format();
        List<String> connection = List.of("--no-password", "--host=" + server.host(), "--port=" + server.port(),
                "--username=" + server.username(), "--dbname=" + database);
        List<String> command = new ArrayList<>(List.of(program.toString()));
        if ("plain".equals(format)) {
            command.addAll(List.of("-X", "-q", "-v", "ON_ERROR_STOP=1"));
            command.addAll(connection);
        } else {
            // Owners, grants and tablespaces belong to the source's server, not to what the backup holds.
            command.addAll(List.of("--no-owner", "--no-privileges", "--no-tablespaces", "--jobs=" + restoreJobs));
            command.addAll(selection);
            command.addAll(connection);
            command.add((decodedBeforeRestore(stored) ? files.restorable : files.artifact).toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("PGPASSWORD");
        if (!server.password().isEmpty()) {
            builder.environment().put("PGPASSWORD", server.password());
        }
        Process process = builder.start();
        cancellation.onCancel(process::destroyForcibly);
        AtomicReference<String> decodeProblem = new AtomicReference<>();
        Thread feeder;
        if (!"plain".equals(format)) {
            process.getOutputStream().close();
            feeder = null;
        } else {
            feeder = Thread.ofVirtual().start(() -> feed(stored, files.artifact, process.getOutputStream(), decodeProblem));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = process.waitFor();
        if (feeder != null) {
            feeder.join();
        }
        if (decodeProblem.get() != null) {
            return new Restored(decodeProblem.get(), null);
        }
        if (exit == 0) {
            return new Restored(null, null);
        }
        return new Restored(null, output.length() > 1500 ? "..." + output.substring(output.length() - 1500) : output);
    }

    /**
     * Decodes the artifact into the restore program's input. A failure to read the artifact is the
     * verdict; a failure to write means the program stopped reading, and its own output says why.
     */
    private void feed(ArtifactStored stored, Path artifact, OutputStream stdin, AtomicReference<String> decodeProblem) {
        try (stdin) {
            InputStream in;
            try {
                in = ArtifactCodec.decoder(Files.newInputStream(artifact), Compression.of(stored.artifact().compression()),
                        stored.artifact().encryptionKeyId(), keyring);
            } catch (IOException e) {
                decodeProblem.set(describe(stored, e));
                return;
            }
            try (in) {
                byte[] buffer = new byte[64 * 1024];
                while (true) {
                    int read;
                    try {
                        read = in.read(buffer);
                    } catch (IOException e) {
                        decodeProblem.set(describe(stored, e));
                        return;
                    }
                    if (read < 0) {
                        return;
                    }
                    stdin.write(buffer, 0, read);
                }
            }
        } catch (IOException stoppedReading) {
            // the restore program exited early; its output is the reason
        }
    }

    /** Why an artifact could not be read: a key not held, damage, or a broken compression stream. */
    private static String describe(ArtifactStored stored, IOException e) {
        if (e instanceof UnknownKeyException) {
            return "cannot decrypt: " + e.getMessage();
        }
        if (e instanceof ArtifactDamagedException) {
            return "the stored backup is damaged: " + e.getMessage();
        }
        return "the stored backup could not be decompressed (" + stored.artifact().compression() + "): " + e.getMessage();
    }
}
