package dev.vigil.verifier.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a pg_dump custom-format archive while it is being written to a file, so its restore can start
 * before the last byte arrives. It reads the table of contents as soon as it is whole, then each data
 * block's framing as it passes (block type, dump id, length-prefixed chunks, PostgreSQL's
 * {@code pg_backup_custom.c}); when a block is whole in the file it writes the block's position into
 * its table-of-contents entry, as pg_dump itself does when it writes to a file it can seek in, so
 * pg_restore finds that block at once while the rest is still arriving. It only observes the bytes and
 * patches those offsets; anything it does not understand makes it stop following (the restore then
 * waits for the whole file, as before), never a failure of the download.
 *
 * <p>Called by the writing thread ({@link #written}), read by the restoring one; thread-safe.
 */
final class ArchiveWatch {

    private static final Logger log = LoggerFactory.getLogger(ArchiveWatch.class);

    static final int SECTION_DATA = 3;
    static final int SECTION_POST_DATA = 4;
    private static final int OFFSET_NOT_SET = 1;
    private static final int OFFSET_SET = 2;
    private static final int OFFSET_NO_DATA = 3;
    private static final int BLOCK_DATA = 1;
    private static final int BLOCK_BLOBS = 3;
    /** More than any table of contents needs (tens of thousands of objects take a few MB). */
    private static final int MAX_TOC = 256 << 20;

    /**
     * One entry of the table of contents: its dump id, kind, section, the entries it depends on, whether a data block
     * follows for it, and its schema and name (for {@code TABLE DATA}, the table's).
     */
    record Entry(int dumpId, String desc, int section, List<Integer> dependencies, boolean hasBlock, long offsetField, String namespace,
            String tag) {
    }

    private enum State { PREFIX, BLOCK_TYPE, BLOCK_ID, CHUNK_LENGTH, CHUNK_DATA, BLOB_OID, STOPPED }

    private final Path file;
    private final Object monitor = new Object();

    // Written by the writing thread only.
    private byte[] prefix = new byte[64 * 1024];
    private int prefixLength;
    private int nextAttempt = 64 * 1024;
    private State state = State.PREFIX;
    private long position;
    private int intSize;
    private int offSize;
    private final byte[] number = new byte[9];
    private int numberLength;
    private long chunkLeft;
    private boolean blobs;
    private long blockStart;
    private int blockId;
    private Map<Integer, Entry> byId = Map.of();
    private FileChannel patcher;

    // Shared, under the monitor.
    private List<Entry> toc;
    private byte[] tocBytes;
    private long written;
    /** Each data block begun: its start and, once whole, its end (else -1). */
    private final Map<Integer, long[]> blocks = new HashMap<>();
    private final Queue<Integer> begun = new ArrayDeque<>();
    private final Queue<Integer> ready = new ArrayDeque<>();
    private boolean ended;
    private String stopped;
    /** Something {@link #await} waits for happened since it last returned. */
    private boolean news;

    ArchiveWatch(Path file) {
        this.file = file;
    }

    /** The bytes just written to the file, in order; never throws. */
    void written(byte[] bytes, int offset, int length) {
        synchronized (monitor) {
            written += length;
            monitor.notifyAll();
        }
        if (state == State.STOPPED) {
            return;
        }
        try {
            if (state == State.PREFIX) {
                appendPrefix(bytes, offset, length);
                if (prefixLength >= nextAttempt) {
                    nextAttempt = prefixLength * 2;
                    readToc();
                }
                return;
            }
            follow(bytes, offset, length);
        } catch (IOException | RuntimeException e) {
            stop("the archive could not be followed while written (" + e + ")");
        }
    }

    /** The file is whole (or its writing stopped): nothing more will be written. */
    void end() {
        if (state == State.PREFIX) {
            try {
                readToc();
            } catch (IOException | RuntimeException e) {
                stop("the archive's table of contents could not be read (" + e + ")");
            }
        }
        closePatcher();
        synchronized (monitor) {
            ended = true;
            news = true;
            monitor.notifyAll();
        }
    }

    /** Wakes whoever waits in {@link #await}: something else they watch has changed. */
    void poke() {
        synchronized (monitor) {
            news = true;
            monitor.notifyAll();
        }
    }

    /**
     * Waits until the table of contents is read, the writing ended, or following stopped; answers the
     * entries, or null when there is no table of contents to go by (then restore from the whole file).
     */
    List<Entry> awaitToc() throws InterruptedException {
        synchronized (monitor) {
            while (toc == null && !ended && stopped == null) {
                monitor.wait();
            }
            return toc;
        }
    }

    /**
     * Waits at most {@code millis} for news since the last call: a block begun or whole, the table of
     * contents, the end, following stopped, a {@link #poke}. Bytes written alone are no news.
     */
    void await(long millis) throws InterruptedException {
        synchronized (monitor) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            for (long left = millis; !news && left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
                monitor.wait(left);
            }
            news = false;
        }
    }

    /** The dump ids whose data blocks began to be written since the last call. */
    List<Integer> takeBegun() {
        synchronized (monitor) {
            List<Integer> taken = new ArrayList<>(begun);
            begun.clear();
            return taken;
        }
    }

    /** The archive's header and table of contents as written (before any offset was set): what pg_restore reads first. */
    byte[] tocBytes() {
        synchronized (monitor) {
            return tocBytes;
        }
    }

    /** Where a begun block starts in the file. */
    long blockStart(int dumpId) {
        synchronized (monitor) {
            return blocks.get(dumpId)[0];
        }
    }

    /**
     * Waits until more of a begun block than {@code from} is in the file, and answers up to where it may
     * be read: the block's end once it is whole (then {@code from == end} means all of it was read).
     * Answers -1 when the rest of the block will never be known as such (following stopped, or the
     * writing ended before the block did).
     */
    long readable(int dumpId, long from) throws InterruptedException {
        synchronized (monitor) {
            while (true) {
                long end = blocks.get(dumpId)[1];
                if (end >= 0) {
                    return end;
                }
                if (stopped != null || ended) {
                    return -1;
                }
                if (written > from) {
                    return written;
                }
                monitor.wait();
            }
        }
    }

    /** Whether the block is whole in the file. */
    boolean whole(int dumpId) {
        synchronized (monitor) {
            long[] block = blocks.get(dumpId);
            return block != null && block[1] >= 0;
        }
    }

    /** The dump ids whose data blocks became whole (and findable) since the last call. */
    List<Integer> takeReady() {
        synchronized (monitor) {
            List<Integer> taken = new ArrayList<>(ready);
            ready.clear();
            return taken;
        }
    }

    /** Why following stopped, or null. */
    String stopped() {
        synchronized (monitor) {
            return stopped;
        }
    }

    private void stop(String why) {
        state = State.STOPPED;
        prefix = null;
        closePatcher();
        synchronized (monitor) {
            if (stopped == null) {
                stopped = why;
                news = true;
                log.info("{}: {}; the restore waits for the whole file", file.getFileName(), why);
            }
            monitor.notifyAll();
        }
    }

    private void closePatcher() {
        if (patcher != null) {
            try {
                patcher.close();
            } catch (IOException ignored) {
                // only offsets were written through it
            }
            patcher = null;
        }
    }

    private void appendPrefix(byte[] bytes, int offset, int length) {
        if (prefixLength + length > MAX_TOC) {
            throw new IllegalStateException("no table of contents within " + (MAX_TOC >> 20) + " MB");
        }
        if (prefixLength + length > prefix.length) {
            prefix = java.util.Arrays.copyOf(prefix, Math.max(prefix.length * 2, prefixLength + length));
        }
        System.arraycopy(bytes, offset, prefix, prefixLength, length);
        prefixLength += length;
    }

    /** Reads the header and table of contents from what arrived so far; when whole, follows the rest. */
    private void readToc() throws IOException {
        Reader reader = new Reader(ByteBuffer.wrap(prefix, 0, prefixLength));
        List<Entry> entries;
        try {
            entries = reader.toc();
        } catch (NeedMore e) {
            return;
        }
        intSize = reader.intSize;
        offSize = reader.offSize;
        byId = new HashMap<>();
        for (Entry entry : entries) {
            byId.put(entry.dumpId(), entry);
        }
        patcher = FileChannel.open(file, StandardOpenOption.WRITE);
        int tocEnd = reader.buffer.position();
        byte[] rest = java.util.Arrays.copyOfRange(prefix, tocEnd, prefixLength);
        byte[] header = java.util.Arrays.copyOf(prefix, tocEnd);
        prefix = null;
        position = tocEnd;
        state = State.BLOCK_TYPE;
        synchronized (monitor) {
            toc = List.copyOf(entries);
            tocBytes = header;
            news = true;
            monitor.notifyAll();
        }
        follow(rest, 0, rest.length);
    }

    /** Walks the data blocks' framing over the bytes just written. */
    private void follow(byte[] bytes, int offset, int length) throws IOException {
        int i = offset;
        int end = offset + length;
        while (i < end && state != State.STOPPED) {
            switch (state) {
                case BLOCK_TYPE -> {
                    int type = bytes[i] & 0xff;
                    if (type != BLOCK_DATA && type != BLOCK_BLOBS) {
                        throw new IllegalStateException("unknown block type " + type + " at " + position);
                    }
                    blobs = type == BLOCK_BLOBS;
                    blockStart = position;
                    i++;
                    position++;
                    state = State.BLOCK_ID;
                }
                case BLOCK_ID, CHUNK_LENGTH, BLOB_OID -> {
                    int take = Math.min(end - i, 1 + intSize - numberLength);
                    System.arraycopy(bytes, i, number, numberLength, take);
                    numberLength += take;
                    i += take;
                    position += take;
                    if (numberLength == 1 + intSize) {
                        numberLength = 0;
                        integer(Reader.integer(number, intSize));
                    }
                }
                case CHUNK_DATA -> {
                    int take = (int) Math.min(end - i, chunkLeft);
                    chunkLeft -= take;
                    i += take;
                    position += take;
                    if (chunkLeft == 0) {
                        state = State.CHUNK_LENGTH;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    private void integer(long value) throws IOException {
        switch (state) {
            case BLOCK_ID -> {
                Entry entry = byId.get((int) value);
                if (entry == null || !entry.hasBlock()) {
                    throw new IllegalStateException("a data block for dump id " + value + ", which the table of contents gives none");
                }
                blockId = (int) value;
                state = blobs ? State.BLOB_OID : State.CHUNK_LENGTH;
                synchronized (monitor) {
                    blocks.put(blockId, new long[] {blockStart, -1});
                    begun.add(blockId);
                    news = true;
                    monitor.notifyAll();
                }
            }
            case BLOB_OID -> state = value == 0 ? whole() : State.CHUNK_LENGTH;
            case CHUNK_LENGTH -> {
                if (value < 0) {
                    throw new IllegalStateException("a negative chunk length at " + position);
                }
                if (value > 0) {
                    chunkLeft = value;
                    state = State.CHUNK_DATA;
                } else {
                    state = blobs ? State.BLOB_OID : whole();
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    /** The current block is whole in the file: its offset goes into its entry, and it is ready. */
    private State whole() throws IOException {
        ByteBuffer offset = ByteBuffer.allocate(1 + offSize);
        offset.put((byte) OFFSET_SET);
        long at = blockStart;
        for (int b = 0; b < offSize; b++) {
            offset.put((byte) (at & 0xff));
            at >>>= 8;
        }
        offset.flip();
        long field = byId.get(blockId).offsetField();
        while (offset.hasRemaining()) {
            patcher.write(offset, field + offset.position());
        }
        synchronized (monitor) {
            blocks.get(blockId)[1] = position;
            ready.add(blockId);
            news = true;
            monitor.notifyAll();
        }
        return State.BLOCK_TYPE;
    }

    /** Not enough bytes yet. */
    private static final class NeedMore extends RuntimeException {
        NeedMore() {
            super(null, null, false, false);
        }
    }

    /** The header and table of contents, as {@code ReadHead} and {@code ReadToc} read them (archive versions 1.12 to 1.16). */
    private static final class Reader {

        final ByteBuffer buffer;
        int intSize = 4;
        int offSize = 8;
        int minor;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        List<Entry> toc() {
            byte[] magic = bytes(5);
            if (!"PGDMP".equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new IllegalStateException("not a custom-format archive");
            }
            int major = unsigned();
            minor = unsigned();
            unsigned();
            if (major != 1 || minor < 12 || minor > 16) {
                throw new IllegalStateException("archive version 1." + minor + " is not followed");
            }
            intSize = unsigned();
            offSize = unsigned();
            if (intSize < 1 || intSize > 8 || offSize < 1 || offSize > 8) {
                throw new IllegalStateException("integer size " + intSize + ", offset size " + offSize);
            }
            if (unsigned() != 1) {
                throw new IllegalStateException("not a custom-format archive");
            }
            if (minor >= 15) {
                unsigned();
            } else {
                integer();
            }
            for (int i = 0; i < 7; i++) {
                integer();
            }
            string();
            string();
            string();
            int count = (int) integer();
            if (count < 0 || count > 10_000_000) {
                throw new IllegalStateException("a table of contents of " + count + " entries");
            }
            List<Entry> entries = new ArrayList<>(count);
            for (int n = 0; n < count; n++) {
                int dumpId = (int) integer();
                integer(); // had a data dumper
                string(); // table oid
                string(); // oid
                String tag = string();
                String desc = string();
                int section = (int) integer();
                string(); // definition
                string(); // drop statement
                string(); // copy statement
                String namespace = string();
                string(); // tablespace
                if (minor >= 14) {
                    string(); // table access method
                }
                if (minor >= 16) {
                    integer(); // relkind
                }
                string(); // owner
                string(); // "false": with oids
                List<Integer> dependencies = new ArrayList<>();
                for (String dependency; (dependency = string()) != null; ) {
                    dependencies.add(Integer.parseInt(dependency.strip()));
                }
                long offsetField = buffer.position();
                int flag = unsigned();
                bytes(offSize);
                if (flag != OFFSET_NOT_SET && flag != OFFSET_SET && flag != OFFSET_NO_DATA) {
                    throw new IllegalStateException("data offset flag " + flag);
                }
                entries.add(new Entry(dumpId, desc, section, List.copyOf(dependencies), flag != OFFSET_NO_DATA, offsetField, namespace, tag));
            }
            return entries;
        }

        int unsigned() {
            if (!buffer.hasRemaining()) {
                throw new NeedMore();
            }
            return buffer.get() & 0xff;
        }

        byte[] bytes(int n) {
            if (buffer.remaining() < n) {
                throw new NeedMore();
            }
            byte[] bytes = new byte[n];
            buffer.get(bytes);
            return bytes;
        }

        long integer() {
            byte[] bytes = bytes(1 + intSize);
            return integer(bytes, intSize);
        }

        /** pg_dump's ReadInt: a sign byte, then {@code intSize} bytes, least significant first. */
        static long integer(byte[] bytes, int intSize) {
            long value = 0;
            for (int b = intSize; b >= 1; b--) {
                value = value << 8 | bytes[b] & 0xff;
            }
            return bytes[0] != 0 ? -value : value;
        }

        String string() {
            long length = integer();
            if (length < 0) {
                return null;
            }
            if (length > MAX_TOC) {
                throw new IllegalStateException("a string of " + length + " bytes in the table of contents");
            }
            return new String(bytes((int) length), StandardCharsets.UTF_8);
        }
    }
}
