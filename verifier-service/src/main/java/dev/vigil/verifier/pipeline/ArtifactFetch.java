package dev.vigil.verifier.pipeline;

import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.ArtifactDamagedException;
import dev.vigil.codec.Compression;
import dev.vigil.codec.DirectoryArchive;
import dev.vigil.codec.Keyring;
import dev.vigil.codec.UnknownKeyException;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.CatalogReference;
import dev.vigil.contracts.Sha256;
import dev.vigil.messaging.Cancellation;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Brings a stored backup into the work directory: downloads the object, checking its SHA-256 on the
 * way, and decodes it (decrypts, decompresses, unpacks) to what pg_restore reads, or decodes it for
 * psql as it is fed. The restore pipeline's only reader of stored objects and of the keyring.
 * Thread-safe: each fetch works on its own {@link WorkFiles}.
 */
public final class ArtifactFetch {

    private final S3Client s3;
    private final Keyring keyring;

    public ArtifactFetch(S3Client s3, Keyring keyring) {
        this.s3 = s3;
        this.keyring = keyring;
    }

    /**
     * Why the artifact is refused unread: it is in the clear (no {@code encryptionKeyId}) while this
     * verifier holds a keyring. Where backups are encrypted, the dump worker writes no clear artifact,
     * so one is not what the worker wrote: someone able to write to the store or to announce backups
     * may have put it there, and restoring it would run their SQL. Empty when nothing is refused.
     */
    Optional<String> clearTextRefusal(ArtifactStored stored) {
        // A dump made outside Vigil is in the clear by nature: the storage service took it in holding no key.
        if (stored.artifact().encryptionKeyId() != null || keyring.ids().isEmpty() || stored.madeOutside()) {
            return Optional.empty();
        }
        return Optional.of("unencrypted artifact refused: this verifier holds a keyring (vigil.verifier.encryption-keys) and so expects "
                + "every artifact encrypted, but this one names no encryption key; nothing was restored. If its target's backups are "
                + "meant to be encrypted, find out how a clear artifact came to be stored");
    }

    /**
     * The files of one restore in the work directory: the download and, beside it, what pg_restore
     * reads when the download must be decoded or unpacked first. Closing removes both.
     */
    static final class WorkFiles implements AutoCloseable {

        final Path directory;
        final Path artifact;
        final Path restorable;

        /** Makes {@code <workDir>/<name>}, readable by this process's user alone (0700), replacing what a stopped run left there. */
        WorkFiles(Path workDir, String name, ArtifactStored stored) throws IOException {
            this.directory = workDir.resolve(name);
            DirectoryArchive.delete(directory);
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            this.artifact = directory.resolve("artifact." + stored.artifact().fileExtension());
            this.restorable = directory.resolve("restore.dump");
        }

        @Override
        public void close() {
            try {
                DirectoryArchive.delete(directory);
            } catch (IOException ignored) {
                // the work directory is scratch space; the next run of the same name replaces what is left
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
     *
     * <p>Writes at most {@code room} bytes into the work directory: a backup whose decoded form is
     * larger (a database grown past the disk, or a small artifact that decompresses without end)
     * stops there, its download is still read to the end for the checksum, and, when the checksum is
     * the worker's, {@link NoRoom} says so. Nothing fills the disk.
     */
    Optional<String> fetch(ArtifactStored stored, WorkFiles files, Cancellation cancellation, long room) throws IOException {
        return fetch(stored, files, cancellation, room, null);
    }

    /**
     * {@link #fetch(ArtifactStored, WorkFiles, Cancellation, long)}, telling {@code watch} (when not
     * null) each piece of the custom-format archive as it is written to the file pg_restore reads.
     */
    Optional<String> fetch(ArtifactStored stored, WorkFiles files, Cancellation cancellation, long room, ArchiveWatch watch) throws IOException {
        boolean decode = decodedBeforeRestore(stored);
        NoRoom noRoom = null;
        MessageDigest digest = Sha256.digest();
        var object = s3.getObject(b -> b.bucket(stored.location().bucket()).key(stored.location().key()));
        cancellation.onCancel(object::abort);
        Optional<String> problem = Optional.empty();
        try (InputStream in = new DigestInputStream(object, digest)) {
            if (!decode) {
                try (OutputStream out = watched(Files.newOutputStream(files.artifact), watch)) {
                    // Not closed: a stop for room leaves the rest of the download to be read for its checksum.
                    bounded(new FilterInputStream(in) {
                        @Override
                        public void close() {
                        }
                    }, files.directory, room).transferTo(out);
                } catch (NoRoom e) {
                    noRoom = e;
                    in.transferTo(OutputStream.nullOutputStream());
                }
            } else {
                // Downloading and hashing on one thread, decoding and writing on this one.
                try (ReadAhead ahead = new ReadAhead(in, "download-" + stored.jobId())) {
                    try {
                        problem = decodeInto(stored, new FilterInputStream(ahead) {
                            @Override
                            public void close() {
                                // the download is drained below, for its checksum
                            }
                        }, files.restorable, room, watch);
                    } catch (NoRoom e) {
                        noRoom = e;
                    }
                    ahead.transferTo(OutputStream.nullOutputStream());
                }
            }
        }
        String sha256 = Sha256.hex(digest);
        if (!sha256.equals(stored.artifact().sha256())) {
            return Optional.of("artifact checksum mismatch: the stored object's SHA-256 is " + sha256
                    + " but the dump worker wrote " + stored.artifact().sha256() + "; the stored backup is damaged");
        }
        if (noRoom != null) {
            throw noRoom;
        }
        return problem;
    }

    /**
     * The decoded backup outgrew the room the work directory had for it. The verifier's environment,
     * not the backup, is wanting (or the artifact decompresses without end): neither proven nor refuted.
     */
    public static final class NoRoom extends IOException {

        NoRoom(Path where, long room) {
            super("the decoded backup outgrew the room in the verifier's work directory (" + where + "): " + room / (1024 * 1024)
                    + " MB were free besides what vigil.verifier.keep-free keeps, and decoding stopped there with more to come; "
                    + "give the work directory more room");
        }
    }

    /** Decodes (custom format) or unpacks (directory format) the artifact into {@code restorable}; answers why that failed. */
    private Optional<String> decodeInto(ArtifactStored stored, InputStream artifact, Path restorable, long room, ArchiveWatch watch)
            throws NoRoom {
        try (InputStream in = bounded(ArtifactCodec.decoder(artifact, Compression.of(stored.artifact().compression()),
                stored.artifact().encryptionKeyId(), keyring), restorable.getParent(), room)) {
            if ("directory".equals(stored.artifact().format())) {
                DirectoryArchive.extract(in, restorable);
            } else {
                try (OutputStream out = watched(Files.newOutputStream(restorable), watch)) {
                    // Large reads: the decompressor returns at most what is asked for, and each call crosses into native code.
                    byte[] buffer = new byte[1 << 20];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        out.write(buffer, 0, n);
                    }
                }
            }
            return Optional.empty();
        } catch (NoRoom e) {
            throw e;
        } catch (IOException e) {
            return Optional.of(describe(stored, e));
        }
    }

    /** {@code out}, telling {@code watch} (when there is one) every piece once it is written. */
    private static OutputStream watched(OutputStream out, ArchiveWatch watch) {
        if (watch == null) {
            return out;
        }
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
                watch.written(bytes, offset, length);
            }
        };
    }

    /** The file pg_restore reads: the decoded form, or the download itself. */
    static Path restoredFrom(ArtifactStored stored, WorkFiles files) {
        return decodedBeforeRestore(stored) ? files.restorable : files.artifact;
    }

    /** {@code decoded}, failing with {@link NoRoom} once more than {@code room} bytes come out of it (what is written is what is read). */
    private static InputStream bounded(InputStream decoded, Path where, long room) {
        return new FilterInputStream(decoded) {
            private long read;

            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                count(Math.max(n, 0));
                return n;
            }

            private void count(int n) throws NoRoom {
                read += n;
                if (read > room) {
                    throw new NoRoom(where, room);
                }
            }
        };
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

    /**
     * The source's catalog as the dump worker took it: held in the event (before ArtifactStored v4), or
     * kept beside the stored artifact (its manifest), read and checked against the reference. Empty
     * when none was taken.
     *
     * @throws IllegalArgumentException the reference points anywhere but beside the stored artifact, or
     *                                  what is there is missing or not the catalog the worker took
     */
    Optional<Catalog> catalog(ArtifactStored stored) {
        if (stored.artifact().catalog() != null) {
            return Optional.of(stored.artifact().catalog());
        }
        CatalogReference reference = stored.artifact().catalogRef();
        if (reference == null) {
            return Optional.empty();
        }
        String beside = "s3://" + stored.location().bucket() + "/" + stored.location().key();
        if (!reference.uri().startsWith(beside + ".") || reference.uri().indexOf('/', beside.length()) >= 0) {
            throw new IllegalArgumentException("the catalog reference " + reference.uri() + " does not point beside the stored backup "
                    + beside + "; it was not read");
        }
        String key = reference.uri().substring(("s3://" + stored.location().bucket() + "/").length());
        byte[] document;
        try {
            document = s3.getObjectAsBytes(b -> b.bucket(stored.location().bucket()).key(key)).asByteArray();
        } catch (SdkException e) {
            throw new IllegalArgumentException("the stored backup's catalog " + reference.uri() + " cannot be read: " + e.getMessage(), e);
        }
        return Optional.of(reference.readFrom(document));
    }

    /** The artifact decoded (decrypted, decompressed) from the download, for a program that reads it as a stream. */
    InputStream decoded(ArtifactStored stored, WorkFiles files) throws IOException {
        return ArtifactCodec.decoder(Files.newInputStream(files.artifact), Compression.of(stored.artifact().compression()),
                stored.artifact().encryptionKeyId(), keyring);
    }

    /** Why an artifact could not be read: a key not held, damage, or a broken compression stream. */
    static String describe(ArtifactStored stored, IOException e) {
        if (e instanceof UnknownKeyException) {
            return "cannot decrypt: " + e.getMessage();
        }
        if (e instanceof ArtifactDamagedException) {
            return "the stored backup is damaged: " + e.getMessage();
        }
        return "the stored backup could not be decompressed (" + stored.artifact().compression() + "): " + e.getMessage();
    }
}
