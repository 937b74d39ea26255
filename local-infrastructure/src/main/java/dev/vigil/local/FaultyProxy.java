package dev.vigil.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a real server, for tests of what happens when the network fails: it can
 * refuse connections for a while (the server "down") and cut every connection once a number of
 * bytes has gone through (a connection dying midway). Everything else passes through unchanged.
 */
public final class FaultyProxy implements AutoCloseable {

    private final InetSocketAddress upstream;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong cutAfter = new AtomicLong(-1);
    private volatile Duration downAfterCut = Duration.ZERO;
    private volatile long serverBytesPerSecond;
    private volatile long clientBytesPerSecond;
    private final AtomicLong sentToServer = new AtomicLong();
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private FaultyProxy(InetSocketAddress upstream, int port) {
        this.upstream = upstream;
        this.port = port;
    }

    /** Listens on a free local port and forwards to {@code host:port}. */
    public static FaultyProxy start(String host, int port) {
        FaultyProxy proxy = new FaultyProxy(new InetSocketAddress(host, port), FreePorts.next());
        proxy.up();
        return proxy;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops listening and drops every open connection: new connections are refused until {@link #up()}. */
    public synchronized void down() {
        ServerSocket current = listener;
        listener = null;
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        dropAll();
    }

    /** Listens again, on the same port. */
    public synchronized void up() {
        if (listener != null || closed) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = socket;
            Thread.ofVirtual().name("faulty-proxy-accept").start(() -> accept(socket));
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on port " + port, e);
        }
    }

    /**
     * Once {@code bytes} more bytes have gone from clients to the server, drops every connection
     * (once), then stays down for {@code downFor} (zero: accepts again at once).
     */
    public void cutAfter(long bytes, Duration downFor) {
        downAfterCut = downFor;
        cutAfter.set(bytes);
    }

    /** Slows what the server sends to {@code bytesPerSecond} per connection (a slow store); 0 for full speed. */
    public void throttle(long bytesPerSecond) {
        serverBytesPerSecond = bytesPerSecond;
    }

    /** Slows what clients send to {@code bytesPerSecond} per connection (a slow upload); 0 for full speed. */
    public void throttleUploads(long bytesPerSecond) {
        clientBytesPerSecond = bytesPerSecond;
    }

    /** Bytes clients have sent to the server through this proxy so far, on every connection. */
    public long bytesToServer() {
        return sentToServer.get();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket server = new Socket();
                try {
                    server.connect(upstream, 5000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                open.add(client);
                open.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, true));
                Thread.ofVirtual().start(() -> pump(server, client, false));
            } catch (IOException e) {
                // closed by down() or close()
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toServer) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer, 0, toServer ? (clientBytesPerSecond > 0 ? 4096 : buffer.length) : 4096)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                if (toServer) {
                    sentToServer.addAndGet(n);
                }
                long rate = toServer ? clientBytesPerSecond : serverBytesPerSecond;
                if (rate > 0) {
                    Thread.sleep(Math.max(1, n * 1000L / rate));
                }
                if (toServer && cutAfter.get() >= 0 && cutAfter.addAndGet(-n) < 0) {
                    cutAfter.set(-1);
                    cut();
                    return;
                }
            }
        } catch (IOException e) {
            // the other side went away, or the connection was cut
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void cut() {
        Duration downFor = downAfterCut;
        if (downFor.isZero()) {
            dropAll();
            return;
        }
        down();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(downFor.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            up();
        });
    }

    private void dropAll() {
        for (Socket socket : open) {
            try {
                // A reset, as a dying network or process gives, not an orderly close.
                socket.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already closed
            }
            closeQuietly(socket);
        }
        open.clear();
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        down();
    }
}
