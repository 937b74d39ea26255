package dev.vigil.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback port that accepts connections and never reads or writes: a hung server, or a firewall
 * that drops. For proving that a client gives up within its timeouts instead of waiting for good.
 */
public final class SilentServer implements AutoCloseable {

    private final ServerSocket socket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    public SilentServer() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
        Thread.ofVirtual().name("silent-server-" + socket.getLocalPort()).start(() -> {
            try {
                while (true) {
                    held.add(socket.accept());
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : held) {
            connection.close();
        }
    }
}
