package dev.vigil.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback that answers 200 to every POST and records it, standing in for a
 * Slack incoming webhook or any other receiver; it can be told to answer an error instead, as a
 * receiver that is down does ({@link #answer}). Thread-safe.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived. */
    public record Received(String method, String path, String contentType, String body, Map<String, String> headers) {

        /** A request header's value, by its name in any case; null when absent. */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private volatile int status = 200;
    private final AtomicInteger refused = new AtomicInteger();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", exchange -> {
                int answer = receiver.status;
                try (InputStream in = exchange.getRequestBody()) {
                    String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
                    if (answer / 100 == 2) {
                        receiver.record(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                                exchange.getRequestHeaders().getFirst("Content-Type"), body, Map.copyOf(headers)));
                    } else {
                        receiver.refused.incrementAndGet();
                    }
                }
                byte[] ok = (answer / 100 == 2 ? "ok" : "unavailable").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer, ok.length);
                exchange.getResponseBody().write(ok);
                exchange.close();
            });
            server.setExecutor(Executors.newSingleThreadExecutor());
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the webhook receiver", e);
        }
    }

    /** The URL to configure as the webhook, e.g. {@code url("/services/T000/B000/XXX")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /**
     * Answers every later request with this HTTP status: 200 to accept (the default), e.g. 503 to
     * stand for a receiver that is down. Refused requests are not recorded, only counted.
     */
    public void answer(int status) {
        this.status = status;
    }

    /** How many requests were answered with an error ({@link #answer}). */
    public int refused() {
        return refused.get();
    }

    private synchronized void record(Received request) {
        received.add(request);
    }

    /** Every request received so far; wait for more with {@link Arrivals}. */
    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
