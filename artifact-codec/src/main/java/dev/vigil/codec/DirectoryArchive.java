package dev.vigil.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A flat directory (pg_dump's directory format: {@code toc.dat} and one file per table) as one
 * POSIX tar stream (Apache Commons Compress), so it travels through compression and encryption like
 * any artifact and any {@code tar} reads it. Regular files only, names under 100 bytes; streams,
 * never holding a file in memory. A stream cut short inside an entry is damage; one cut exactly
 * between entries is caught by the artifact's SHA-256, which is checked on every read.
 */
public final class DirectoryArchive {

    private DirectoryArchive() {
    }

    /** Writes every regular file of {@code directory} into {@code out} as a tar stream; does not close {@code out}. */
    public static void write(Path directory, OutputStream out) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        // Not closed: closing would close out; finish() ends the archive.
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
        for (Path file : files) {
            long size = Files.size(file);
            TarArchiveEntry entry = new TarArchiveEntry(file.getFileName().toString());
            entry.setSize(size);
            entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE);
            entry.setModTime(0);
            try {
                tar.putArchiveEntry(entry);
            } catch (IllegalArgumentException e) {
                throw new IOException("cannot archive " + file + ": " + e.getMessage(), e);
            }
            try (InputStream in = Files.newInputStream(file)) {
                if (in.transferTo(tar) != size) {
                    throw new IOException(file + " changed while it was archived");
                }
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    /** Unpacks a stream written by {@link #write} into {@code directory}, which it creates. */
    public static void extract(InputStream in, Path directory) throws IOException {
        Files.createDirectories(directory);
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        try {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (!entry.isFile() || name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..")) {
                    throw new ArtifactDamagedException("the directory archive holds an unexpected entry: '" + name + "'");
                }
                try (OutputStream out = Files.newOutputStream(directory.resolve(name))) {
                    if (tar.transferTo(out) < entry.getSize()) {
                        throw new ArtifactDamagedException("the directory archive ends inside " + name + " (truncated)");
                    }
                }
            }
        } catch (ArtifactDamagedException e) {
            throw e;
        } catch (IOException e) {
            // Commons Compress says "Truncated TAR archive" and the like; a broken archive is a damaged artifact.
            throw new ArtifactDamagedException("the directory archive is truncated or damaged: " + e.getMessage());
        }
    }

    /**
     * Removes a directory (pg_dump's, one {@link #extract} made, or a work directory holding one) with
     * everything in it, or a single file; nothing if absent. Links are removed, not followed.
     */
    public static void delete(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path each : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(each);
            }
        }
    }
}
