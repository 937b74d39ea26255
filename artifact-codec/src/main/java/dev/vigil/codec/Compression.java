package dev.vigil.codec;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Compression around pg_dump's uncompressed output. The name is what events and settings say. */
public enum Compression {
    ZSTD("zstd", 1, 19),
    GZIP("gzip", 1, 9),
    NONE("none", 0, 0);

    private final String wireName;
    private final int minLevel;
    private final int maxLevel;

    Compression(String wireName, int minLevel, int maxLevel) {
        this.wireName = wireName;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    public String wireName() {
        return wireName;
    }

    /** Reads a name from settings or an event; an absent name (schema v1 artifacts) means none. */
    public static Compression of(String name) {
        if (name == null) {
            return NONE;
        }
        return Arrays.stream(values()).filter(c -> c.wireName.equals(name.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown compression '" + name + "'; use zstd, gzip or none"));
    }

    /**
     * The compression whose frame {@code head} (an artifact's first bytes after decryption) begins
     * with: zstd's or gzip's magic number, else none.
     */
    public static Compression sniff(byte[] head) {
        if (head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        return NONE;
    }

    /** Checks a level for this compression, with a message that says the range. */
    public int checkLevel(int level) {
        if (this != NONE && (level < minLevel || level > maxLevel)) {
            throw new IllegalArgumentException(wireName + " compression level must be " + minLevel + "-" + maxLevel + ", got " + level);
        }
        return level;
    }

    /**
     * Compresses what is written into {@code out}; closing the result finishes the stream and closes {@code out}.
     *
     * @param workers zstd worker threads (0: compress on the writing thread); ignored by the others
     */
    public OutputStream compress(OutputStream out, int level, int workers) throws IOException {
        return switch (this) {
            case ZSTD -> {
                ZstdOutputStream zstd = new ZstdOutputStream(out, checkLevel(level));
                if (workers > 0) {
                    zstd.setWorkers(workers);
                }
                yield zstd;
            }
            case GZIP -> new GZIPOutputStream(out, 1 << 16) {
                {
                    def.setLevel(checkLevel(level) == 0 ? Deflater.DEFAULT_COMPRESSION : level);
                }
            };
            case NONE -> out;
        };
    }

    /** Decompresses {@code in}; closing the result closes {@code in}. */
    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case ZSTD -> new ZstdInputStream(in);
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case NONE -> in;
        };
    }
}
