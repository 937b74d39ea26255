package dev.vigil.worker.dump;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How far one dump has come: bytes written to staging and the table pg_dump reported last. Thread-safe. */
final class DumpProgress {

    private static final Pattern TABLE = Pattern.compile("dumping contents of table \"(.+)\"");

    private final AtomicLong bytesWritten = new AtomicLong();
    private volatile String currentTable;

    long bytesWritten() {
        return bytesWritten.get();
    }

    String currentTable() {
        return currentTable;
    }

    /** Reads one line of pg_dump's --verbose output; answers whether it was only progress (not worth keeping for errors). */
    boolean readVerboseLine(String line) {
        Matcher matcher = TABLE.matcher(line);
        if (matcher.find()) {
            currentTable = matcher.group(1);
        }
        return line.startsWith("pg_dump: ") && !line.contains("error") && !line.contains("warning");
    }

    /** Counts what passes into {@code out}. */
    OutputStream counting(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                bytesWritten.incrementAndGet();
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
                bytesWritten.addAndGet(length);
            }
        };
    }
}
