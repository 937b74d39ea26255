package dev.vigil.storage.intake;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The header of a pg_dump custom-format archive ({@code pg_dump -Fc}), as PostgreSQL's
 * {@code WriteHead} in {@code src/bin/pg_dump/pg_backup_archiver.c} writes it: the magic
 * {@code PGDMP}; the archive version as three bytes (major, minor, revision); the sizes of an int and
 * of a file offset; the format (1: custom); the compression (archive versions before 1.15: an int,
 * the zlib level, 0 for none and -1 for zlib's default; from 1.15, PostgreSQL 16, one byte naming the
 * algorithm: 0 none, 1 gzip, 2 lz4, 3 zstd); seven ints of the creation time (local time, as
 * {@code struct tm}); then three strings: the database name, the server's version and pg_dump's
 * version. An int is a sign byte and {@code intSize} bytes, least significant first; a string is its
 * length as an int (negative: none) and that many bytes. Archive versions 1.12 to 1.16 (PostgreSQL 9.0
 * to 18) share this layout apart from the compression field; both versions are read since 1.10.
 *
 * @param archiveVersion e.g. {@code 1.14.0}
 * @param compression    {@code none}, {@code gzip}, {@code lz4} or {@code zstd}: pg_dump's own compression inside the archive
 * @param database       the dumped database's name
 * @param serverVersion  the dumped server's version as it reported it, e.g. {@code 15.18 (Debian 15.18-0+deb12u1)}
 * @param pgDumpVersion  the version of the pg_dump that wrote it
 */
public record DumpHeader(String archiveVersion, int intSize, int offSize, String compression, String database, String serverVersion,
        String pgDumpVersion) {

    /** The magic every custom-format archive (and a directory-format archive's {@code toc.dat}) starts with. */
    static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
    /** More than any real header takes (a database name is at most 63 bytes, versions a few dozen). */
    static final int MAX_LENGTH = 8 * 1024;
    private static final int FORMAT_CUSTOM = 1;
    private static final int FORMAT_DIRECTORY = 5;
    private static final int FORMAT_TAR = 3;

    /** Not a custom-format archive, or one this parser cannot read; the message says what was found and what to do. */
    public static final class NotADump extends IOException {
        NotADump(String message) {
            super(message);
        }
    }

    /** The first part of the version strings: {@code 15.18 (Debian 15.18-0+deb12u1)} gives {@code 15.18}. */
    public static String versionNumber(String version) {
        String first = version.strip().split("\\s+")[0];
        return first.isEmpty() ? version : first;
    }

    /**
     * Reads the header from the start of an archive; reads at most {@link #MAX_LENGTH} bytes and
     * leaves the stream where the header ends.
     *
     * @throws NotADump the bytes are not a custom-format archive's header, or end before it does
     */
    public static DumpHeader read(InputStream in) throws IOException {
        Reader reader = new Reader(in);
        try {
            byte[] magic = reader.bytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new NotADump("not a pg_dump custom-format archive (it does not start with PGDMP); make it with pg_dump -Fc");
            }
            int major = reader.unsigned();
            int minor = reader.unsigned();
            int revision = reader.unsigned();
            String version = major + "." + minor + "." + revision;
            if (major != 1 || minor < 10) {
                throw new NotADump("archive version " + version + " is not one this service reads (1.10 and later, pg_dump 8.4 and later); "
                        + "make it with a current pg_dump -Fc");
            }
            int intSize = reader.unsigned();
            int offSize = reader.unsigned();
            if (intSize < 1 || intSize > 8 || offSize < 1 || offSize > 8) {
                throw new NotADump("the archive header is damaged (integer size " + intSize + ", offset size " + offSize
                        + "); make the dump again with pg_dump -Fc");
            }
            reader.intSize = intSize;
            int format = reader.unsigned();
            if (format != FORMAT_CUSTOM) {
                throw new NotADump(format == FORMAT_DIRECTORY
                        ? "this is the toc.dat of a directory-format archive, not a whole dump; make one file with pg_dump -Fc"
                        : format == FORMAT_TAR ? "a tar-format archive header; make the dump with pg_dump -Fc"
                        : "not a pg_dump custom-format archive (format " + format + "); make it with pg_dump -Fc");
            }
            String compression;
            if (minor >= 15) {
                int algorithm = reader.unsigned();
                compression = switch (algorithm) {
                    case 0 -> "none";
                    case 1 -> "gzip";
                    case 2 -> "lz4";
                    case 3 -> "zstd";
                    default -> throw new NotADump("the archive names an unknown compression (" + algorithm + "); make it with pg_dump -Fc");
                };
            } else {
                compression = reader.integer() == 0 ? "none" : "gzip";
            }
            for (int i = 0; i < 7; i++) {
                reader.integer(); // creation time: sec, min, hour, mday, mon, year, isdst in the dumping host's local time
            }
            String database = reader.string();
            String serverVersion = reader.string();
            String pgDumpVersion = reader.string();
            if (serverVersion == null || pgDumpVersion == null) {
                throw new NotADump("the archive header names no server or pg_dump version; make the dump again with pg_dump -Fc");
            }
            return new DumpHeader(version, intSize, offSize, compression, database == null ? "" : database, serverVersion, pgDumpVersion);
        } catch (EOFException e) {
            throw new NotADump("the file ends inside a pg_dump archive header (" + reader.read + " bytes); it is truncated or not a dump: "
                    + "upload the whole file made with pg_dump -Fc");
        }
    }

    /** Reads the header's fields, counting what it read. */
    private static final class Reader {
        private final InputStream in;
        private int read;
        private int intSize = 4;

        Reader(InputStream in) {
            this.in = in;
        }

        int unsigned() throws IOException {
            if (read >= MAX_LENGTH) {
                throw new NotADump("the archive header is longer than " + MAX_LENGTH + " bytes; it is damaged or not a dump made with pg_dump -Fc");
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            read++;
            return b;
        }

        byte[] bytes(int n) throws IOException {
            if (n < 0 || read + n > MAX_LENGTH) {
                throw new NotADump("the archive header is longer than " + MAX_LENGTH + " bytes; it is damaged or not a dump made with pg_dump -Fc");
            }
            byte[] bytes = in.readNBytes(n);
            read += bytes.length;
            if (bytes.length < n) {
                throw new EOFException();
            }
            return bytes;
        }

        /** pg_dump's ReadInt: a sign byte, then intSize bytes, least significant first. */
        long integer() throws IOException {
            boolean negative = unsigned() != 0;
            long value = 0;
            for (int i = 0; i < intSize; i++) {
                value |= ((long) unsigned()) << (8 * i);
            }
            return negative ? -value : value;
        }

        String string() throws IOException {
            long length = integer();
            if (length < 0) {
                return null;
            }
            if (length > MAX_LENGTH) {
                throw new NotADump("the archive header is damaged (a string of " + length + " bytes); make the dump again with pg_dump -Fc");
            }
            return new String(bytes((int) length), StandardCharsets.UTF_8);
        }
    }
}
