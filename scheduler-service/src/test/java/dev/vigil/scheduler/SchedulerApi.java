package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.json.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/** The scheduler's API as its tests call it: a request with or without a bearer token, JSON in and out. */
record SchedulerApi(int port, Path adminTokenFile) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The admin token the scheduler wrote to its bootstrap file at start-up. */
    String admin() throws Exception {
        return Files.readString(adminTokenFile).strip();
    }

    /** {@code method path} with {@code token} as bearer (none when null) and {@code body} as JSON (none when null). */
    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A new access token, created by the admin: its text. */
    String create(String name, Object role) throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/tokens", admin(), "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("secretToken").asString();
    }

    static JsonNode json(HttpResponse<String> response) {
        return EventJson.mapper().readTree(response.body());
    }
}
