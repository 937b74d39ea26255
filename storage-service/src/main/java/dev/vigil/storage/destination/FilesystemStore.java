package dev.vigil.storage.destination;

import dev.vigil.contracts.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;

/**
 * A destination in a local directory (a mounted volume, or the embedded default's second copy),
 * with the bucket's key layout as paths under the root. A file appears under its key only when
 * complete, synced and matching its SHA-256.
 */
final class FilesystemStore implements ArtifactStore {

    private final Path root;

    FilesystemStore(Path root) {
        try {
            this.root = Files.createDirectories(root).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the replica directory " + root, e);
        }
    }

    @Override
    public void upload(String key, InputStream in, long size, String sha256) throws IOException {
        Path target = file(key);
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        MessageDigest digest = Sha256.digest();
        try {
            try (InputStream hashed = new DigestInputStream(in, digest);
                    FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                hashed.transferTo(out);
                channel.force(true);
            }
            String found = Sha256.hex(digest);
            if (!found.equals(sha256)) {
                throw new ChecksumMismatchException(found);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Override
    public boolean holds(String key, long size, String sha256) {
        try {
            return Files.size(file(key)) == size;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public java.util.Optional<ObjectDigest> digest(String bucket, String key) throws IOException {
        try (InputStream in = Files.newInputStream(file(key))) {
            return java.util.Optional.of(ObjectDigest.of(in));
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public void putSmall(String bucket, String key, byte[] bytes, String contentType) {
        try {
            Path target = file(key);
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            Files.write(partial, bytes);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + key + " under " + root + " failed", e);
        }
    }

    @Override
    public byte[] read(String bucket, String key) {
        try {
            return Files.readAllBytes(file(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<String> list(String bucket, String prefix) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .filter(k -> k.startsWith(prefix) && !k.endsWith(".partial")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean exists(String bucket, String key) {
        return Files.isRegularFile(file(key));
    }

    @Override
    public void delete(String bucket, String key) {
        try {
            Files.deleteIfExists(file(key));
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + key + " under " + root + " failed", e);
        }
    }

    @Override
    public String bucket() {
        return root.toString();
    }

    @Override
    public String locate(String bucket, String key) {
        return file(key).toString();
    }

    private Path file(String key) {
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("key " + key + " leaves the replica directory");
        }
        return file;
    }
}
