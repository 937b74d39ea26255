package dev.vigil.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on loopback that answers as the scheduler's API would, with canned JSON: each
 * "METHOD /path?query" has a queue of answers, the last of which repeats (so a job can move through
 * its stages while it is polled). Every request is recorded. Without a token it answers 401 as the
 * scheduler does, unless told that the path is open.
 */
final class FakeScheduler implements AutoCloseable {

    static final String TOKEN = "vigil_4f2a.s3cr3t-token-value";

    record Answer(int status, String body, Map<String, String> headers) {

        static Answer json(int status, String body) {
            return new Answer(status, body, Map.of("Content-Type", status >= 400 ? "application/problem+json" : "application/json"));
        }
    }

    record Request(String method, String uri, String authorization, String contentType, String body) {
    }

    private final HttpServer server;
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeScheduler() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String uri = exchange.getRequestURI().toString();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(new Request(exchange.getRequestMethod(), uri, authorization, exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Answer answer;
            if (!("Bearer " + TOKEN).equals(authorization)) {
                answer = Answer.json(401, """
                        {"type":"about:blank","title":"Sign-in required","status":401,"detail":"%s","instance":"%s"}"""
                        .formatted(authorization == null ? "send an access token: Authorization: Bearer vigil_<id>.<secret>"
                                : "the access token was refused: unknown token", exchange.getRequestURI().getPath()));
            } else {
                Deque<Answer> queue = answers.get(exchange.getRequestMethod() + " " + uri);
                if (queue == null) {
                    answer = Answer.json(404, """
                            {"type":"about:blank","title":"Not Found","status":404,"detail":"No static resource %s.","instance":"%s"}"""
                            .formatted(exchange.getRequestURI().getPath().substring(1), exchange.getRequestURI().getPath()));
                } else {
                    synchronized (queue) {
                        answer = queue.size() > 1 ? queue.poll() : queue.peek();
                    }
                }
            }
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    /** Answers {@code methodAndUri} ("GET /api/v1/targets") with these, in turn; the last one from then on. */
    FakeScheduler on(String methodAndUri, Answer... inTurn) {
        answers.put(methodAndUri, new ArrayDeque<>(List.of(inTurn)));
        return this;
    }

    FakeScheduler on(String methodAndUri, int status, String json) {
        return on(methodAndUri, Answer.json(status, json));
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Request last() {
        return requests.getLast();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
