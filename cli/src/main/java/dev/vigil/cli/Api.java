package dev.vigil.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * The scheduler's HTTP API as the command line calls it: the access token goes as
 * {@code Authorization: Bearer} on every request and nowhere else (no redirects are followed, so it
 * never travels to another host). An answer other than 2xx ends the command: a 4xx with exit status
 * 2 and the problem's title and detail, a 5xx with 1, no answer at all with 4 and what to do.
 * One per command run; not thread-safe.
 */
final class Api implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Settings settings;
    private final String base;

    Api(Settings settings) {
        this.settings = settings;
        String url = settings.url().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** An answer the server gave with a 2xx status. */
    record Answer(int status, String body, Optional<String> location) {

        /** The body as JSON; an empty body reads as a missing node. */
        JsonNode json() throws CliFailure {
            return parse(body, status);
        }
    }

    URI url() {
        return settings.url();
    }

    Answer get(String path) throws CliFailure {
        return send("GET", path, null);
    }

    Answer post(String path, JsonNode body) throws CliFailure {
        return send("POST", path, body);
    }

    Answer patch(String path, JsonNode body) throws CliFailure {
        return send("PATCH", path, body);
    }

    private Answer send(String method, String path, JsonNode body) throws CliFailure {
        URI uri = URI.create(base + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json, application/problem+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        settings.token().ifPresent(token -> request.header("Authorization", "Bearer " + token.value()));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(Exit.FAILED, "interrupted");
        } catch (IOException e) {
            throw unreachable(e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Answer(status, response.body(), response.headers().firstValue("Location"));
        }
        throw refused(method, path, status, response.body());
    }

    private CliFailure unreachable(IOException e) {
        String why = e instanceof HttpConnectTimeoutException ? "no connection within 10 s"
                : e instanceof HttpTimeoutException ? "no answer within " + TIMEOUT.toSeconds() + " s"
                : e instanceof ConnectException ? "connection refused" + (e.getMessage() == null ? "" : ": " + e.getMessage())
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new CliFailure(Exit.UNREACHABLE, "cannot reach Vigil at " + settings.url() + " (" + why + ", URL from " + settings.urlSource()
                + "). Is the scheduler running? Start one with ./vigil dev, or point the command line at yours with --url, VIGIL_URL, or url= in "
                + "~/.config/vigil/config");
    }

    private CliFailure refused(String method, String path, int status, String body) {
        String title = null;
        String detail = null;
        try {
            JsonNode problem = JSON.readTree(body);
            title = Json.text(problem, "title");
            detail = Json.text(problem, "detail");
        } catch (JacksonException | IllegalArgumentException e) {
            // Not problem JSON (a proxy's page, say): its first line says enough.
        }
        if (detail == null && body != null && !body.isBlank()) {
            detail = body.strip().lines().findFirst().orElse("");
            detail = detail.length() > 200 ? detail.substring(0, 200) + "..." : detail;
        }
        StringBuilder message = new StringBuilder();
        message.append(status >= 500 ? "the server failed: " : "refused: ").append(title == null ? "HTTP " + status : title + " (HTTP " + status + ")");
        if (detail != null) {
            message.append(": ").append(detail);
        }
        if (status == 401 && settings.token().isEmpty()) {
            message.append(System.lineSeparator()).append("No access token was sent: set VIGIL_TOKEN, or VIGIL_TOKEN_FILE to a file holding one"
                    + " (./vigil dev writes .vigil/admin-token), or token-file= in ~/.config/vigil/config.");
        } else if (status == 401) {
            message.append(System.lineSeparator()).append("The token came from ").append(settings.token().orElseThrow().source()).append('.');
        } else if (status == 404 && (detail == null || detail.startsWith("No static resource") || detail.startsWith("No endpoint"))) {
            // Spring's answer for a path no controller maps: the endpoint, not the thing asked for, is missing.
            message.append(System.lineSeparator()).append("This server has no ").append(method).append(' ').append(path.replaceFirst("\\?.*", ""))
                    .append(": it is older than this command line, or not Vigil's scheduler.");
        }
        return new CliFailure(status >= 500 ? Exit.FAILED : Exit.REFUSED, message.toString(), body);
    }

    static JsonNode parse(String body, int status) throws CliFailure {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new CliFailure(Exit.FAILED, "the server answered HTTP " + status + " with something that is not JSON: "
                    + body.strip().lines().findFirst().orElse(""));
        }
    }

    /** A path segment, percent-encoded. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query string from the parameters that have a value, or "" when none has. */
    static String query(Map<String, ?> parameters) {
        String query = parameters.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return query.isEmpty() ? "" : "?" + query;
    }

    /** An ordered map for {@link #query}, which may hold nulls. */
    static Map<String, Object> parameters(Object... namesAndValues) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            parameters.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return parameters;
    }

    @Override
    public void close() {
        http.close();
    }
}
