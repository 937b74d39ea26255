package dev.vigil.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A flat directory (pg_dump's directory format: {@code toc.dat} and one file per table) as one
 * POSIX ustar stream, so it travels through compression and encryption like any artifact. Regular
 * files only, names under 100 bytes; streams, never holding a file in memory.
 */
public final class DirectoryArchive {

    private static final int BLOCK = 512;

    private DirectoryArchive() {
    }

    /** Writes every regular file of {@code directory} into {@code out} as a tar stream; does not close {@code out}. */
    public static void write(Path directory, OutputStream out) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            long size = Files.size(file);
            out.write(header(file.getFileName().toString(), size));
            try (InputStream in = Files.newInputStream(file)) {
                if (in.transferTo(out) != size) {
                    throw new IOException(file + " changed while it was archived");
                }
            }
            out.write(new byte[(int) ((BLOCK - size % BLOCK) % BLOCK)]);
        }
        out.write(new byte[2 * BLOCK]);
    }

    /** Unpacks a stream written by {@link #write} into {@code directory}, which it creates. */
    public static void extract(InputStream in, Path directory) throws IOException {
        Files.createDirectories(directory);
        byte[] header = new byte[BLOCK];
        while (true) {
            if (in.readNBytes(header, 0, BLOCK) < BLOCK) {
                throw new ArtifactDamagedException("the directory archive ends inside a header (truncated)");
            }
            if (isZero(header)) {
                return;
            }
            String name = field(header, 0, 100);
            if (name.isEmpty() || name.contains("/") || name.equals("..") || header[156] != '0') {
                throw new ArtifactDamagedException("the directory archive holds an unexpected entry: '" + name + "'");
            }
            long size = Long.parseLong(field(header, 124, 12).strip(), 8);
            try (OutputStream out = Files.newOutputStream(directory.resolve(name))) {
                long copied = copy(in, out, size);
                if (copied < size) {
                    throw new ArtifactDamagedException("the directory archive ends inside " + name + " (truncated)");
                }
            }
            in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
        }
    }

    /** Removes a flat directory (pg_dump's, or one {@link #extract} made) with its files, or a single file; nothing if absent. */
    public static void delete(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(file);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    private static long copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                break;
            }
            out.write(buffer, 0, read);
            left -= read;
        }
        return size - left;
    }

    private static byte[] header(String name, long size) throws IOException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= 100) {
            throw new IOException("file name too long for the directory archive: " + name);
        }
        byte[] header = new byte[BLOCK];
        System.arraycopy(bytes, 0, header, 0, bytes.length);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", size));
        put(header, 136, String.format("%011o", 0));
        Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = '0';
        put(header, 257, "ustar");
        header[263] = '0';
        header[264] = '0';
        long checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        put(header, 148, String.format("%06o", checksum));
        header[155] = ' ';
        return header;
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
