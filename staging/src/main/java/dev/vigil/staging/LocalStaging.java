package dev.vigil.staging;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.CatalogReference;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.json.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.Channels;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * Staging in a directory: {@code <dir>/<targetId>/<jobId>.<ext>}, written as {@code .partial} and
 * renamed when complete, with the descriptor {@code <jobId>.json} beside it; announced as a
 * {@code file:} URI. What it writes is its user's alone: files 0600, the directories it makes 0700
 * (a target's folder is made 0700 again if found otherwise), since a staged dump holds the target's
 * data, unencrypted when encryption is off. The storage service reads them as the same user.
 */
final class LocalStaging implements Staging {

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;

    LocalStaging(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    @Override
    public Optional<ArtifactCreated> find(TargetId targetId, JobId jobId) throws IOException {
        Path descriptor = folder(targetId).resolve(Staging.descriptorName(jobId));
        if (!Files.exists(descriptor)) {
            return Optional.empty();
        }
        ArtifactCreated created = EventJson.read(Files.readAllBytes(descriptor), ArtifactCreated.class);
        return staged(created).filter(Files::exists).map(file -> created);
    }

    @Override
    public Write open(TargetId targetId, JobId jobId, String extension) throws IOException {
        Path artifact = privateFolder(targetId).resolve(Staging.fileName(jobId, extension));
        Path partial = artifact.resolveSibling(artifact.getFileName() + ".partial");
        OutputStream out = newPrivateFile(partial);
        return new Write() {
            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public Path workDir() {
                return partial.getParent();
            }

            @Override
            public ArtifactCreated commit(Artifact created) throws IOException {
                out.close();
                Files.move(partial, artifact, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Artifact announced = created;
                if (created.catalog() != null) {
                    Path catalog = artifact.resolveSibling(Staging.catalogName(jobId));
                    writePrivate(catalog, CatalogReference.document(created.catalog()));
                    announced = created.withCatalogAt(CatalogReference.to(catalog.toUri().toString(), created.catalog()));
                }
                ArtifactCreated event = ArtifactCreated.now(jobId, targetId, artifact.toUri().toString(), announced);
                writePrivate(artifact.resolveSibling(Staging.descriptorName(jobId)), EventJson.write(event));
                return event;
            }

            @Override
            public void close() throws IOException {
                out.close();
                Files.deleteIfExists(partial);
            }
        };
    }

    @Override
    public InputStream read(ArtifactCreated created) throws StagingUnusableException {
        Path file = staged(created).orElseThrow(() -> new StagingUnusableException("staging location " + created.stagingUri()
                + " is not where the staging directory " + directory + " keeps job " + created.jobId() + " of target " + created.targetId()
                + "; nothing was read. The dump worker and the storage service must use the same vigil.staging settings"));
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new StagingUnusableException("the staged artifact " + file + " is missing or unreadable on the storage service ("
                    + e.getClass().getSimpleName() + "); the worker and the storage service must share the staging directory");
        }
    }

    @Override
    public Optional<Catalog> readCatalog(ArtifactCreated created) throws StagingUnusableException {
        CatalogReference reference = created.artifact().catalogRef();
        if (reference == null) {
            return Optional.empty();
        }
        Path expected = folder(created.targetId()).resolve(Staging.catalogName(created.jobId()));
        if (!reference.uri().equals(expected.toUri().toString())) {
            throw new StagingUnusableException("the catalog reference " + reference.uri() + " is not where the staging directory " + directory
                    + " keeps job " + created.jobId() + "'s catalog; nothing was read");
        }
        try {
            return Optional.of(reference.readFrom(Files.readAllBytes(expected)));
        } catch (IOException | IllegalArgumentException e) {
            throw new StagingUnusableException("the staged catalog " + expected + " cannot be used: " + e.getMessage());
        }
    }

    @Override
    public void remove(ArtifactCreated created) throws IOException {
        Optional<Path> file = staged(created);
        if (file.isPresent()) {
            Files.deleteIfExists(file.get());
            Files.deleteIfExists(file.get().resolveSibling(Staging.catalogName(created.jobId())));
            Files.deleteIfExists(file.get().resolveSibling(Staging.descriptorName(created.jobId())));
        }
    }

    @Override
    public Probe probe() throws IOException {
        Path probe = directory.resolve(Staging.PROBE_PREFIX + UUID.randomUUID());
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            }
            writePrivate(probe, "vigil dry run probe\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("could not write a probe file into the staging directory " + directory + " (" + describe(e)
                    + "); make it a directory this service's user may write to, or set vigil.staging.dir to one", e);
        }
        try {
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("wrote the probe file " + probe + " but could not remove it (" + describe(e) + "); remove it by hand", e);
        }
        return new Probe(directory.toUri().toString(), OptionalLong.of(Files.getFileStore(directory).getUsableSpace()));
    }

    /** An I/O error as an operator reads it: what happened, and to which file (NIO's message is often only the path). */
    private static String describe(IOException e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        if (e instanceof FileSystemException f && f.getReason() != null) {
            message = ": " + (f.getFile() == null ? "" : f.getFile() + ": ") + f.getReason();
        }
        return e.getClass().getSimpleName() + message;
    }

    /** The file the event's {@code file:} URI names, if it is where this directory stages the event's job. */
    private Optional<Path> staged(ArtifactCreated created) {
        String uri = created.stagingUri();
        if (uri == null || !uri.startsWith("file:")) {
            return Optional.empty();
        }
        Path file;
        try {
            file = Path.of(URI.create(uri)).normalize();
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            return Optional.empty();
        }
        boolean ours = folder(created.targetId()).equals(file.getParent()) && Staging.isArtifactOf(file.getFileName().toString(), created.jobId());
        return ours ? Optional.of(file) : Optional.empty();
    }

    @Override
    public String toString() {
        return "directory " + directory;
    }

    /** The target's folder, made (with the staging directory, if missing) readable by this user alone. */
    private Path privateFolder(TargetId targetId) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        }
        Path folder = folder(targetId);
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        }
        if (!Files.getPosixFilePermissions(folder).equals(OWNER_ONLY_DIRECTORY)) {
            // Made by an earlier version, or by hand: tightened, as it holds the target's data.
            Files.setPosixFilePermissions(folder, OWNER_ONLY_DIRECTORY);
        }
        return folder;
    }

    /**
     * A file created 0600 (the mode is given at creation, never changed afterwards: a link planted
     * where the file goes must not have its target's mode changed).
     */
    private static OutputStream newPrivateFile(Path file) throws IOException {
        return Channels.newOutputStream(Files.newByteChannel(file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), OWNER_ONLY_FILE));
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        try (OutputStream out = newPrivateFile(file)) {
            out.write(content);
        }
    }

    private Path folder(TargetId targetId) {
        return directory.resolve(targetId.value());
    }
}
