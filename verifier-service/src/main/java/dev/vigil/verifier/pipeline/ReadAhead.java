package dev.vigil.verifier.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a thread of its own, a few chunks ahead of whoever reads this one: downloading
 * and hashing run beside decoding and writing instead of taking turns. Memory is bounded by the
 * chunks in flight (8 of 1 MiB). An error of the source is thrown by the read that reaches it.
 */
final class ReadAhead extends InputStream {

    private static final int CHUNK = 1 << 20;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(8);
    private final Thread reader;
    private volatile IOException failure;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    ReadAhead(InputStream source, String threadName) {
        reader = Thread.ofPlatform().daemon().name(threadName).start(() -> {
            try {
                while (true) {
                    byte[] chunk = source.readNBytes(CHUNK);
                    if (chunk.length == 0) {
                        break;
                    }
                    chunks.put(chunk);
                }
            } catch (IOException e) {
                failure = e;
            } catch (InterruptedException e) {
                return;
            }
            try {
                chunks.put(END);
            } catch (InterruptedException ignored) {
                // closed meanwhile
            }
        });
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == current.length) {
            if (ended) {
                return -1;
            }
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading ahead");
            }
            position = 0;
            if (current == END) {
                ended = true;
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    /** Stops reading ahead; the source itself is closed by its owner. */
    @Override
    public void close() {
        reader.interrupt();
        chunks.clear();
    }
}
