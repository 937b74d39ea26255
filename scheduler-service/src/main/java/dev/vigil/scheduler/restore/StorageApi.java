package dev.vigil.scheduler.restore;

import dev.vigil.scheduler.SchedulerProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The storage service's retention API, which owns retention and legal holds, as the scheduler's API
 * passes requests on to it: with the caller's own bearer token, so the storage service decides what
 * the caller may do and its audit log names the caller. Thread-safe.
 */
@Component
public class StorageApi {

    /** What the storage service answered: its status, content type and body, passed back as they are. */
    public record Answer(int status, String contentType, byte[] body) {
    }

    /** The storage service could not be reached or did not answer in time. */
    public static class Unreachable extends RuntimeException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    StorageApi(SchedulerProperties properties) {
        this.base = properties.storageUrl();
    }

    /** Sends {@code method path} (under {@code /api/v1}) to the storage service with the caller's Authorization header. */
    public Answer send(String method, String path, String authorization) {
        return send(method, path, authorization, null);
    }

    /** As {@link #send(String, String, String)}, with a JSON body when one is given. */
    public Answer send(String method, String path, String authorization, byte @Nullable [] json) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve("/api/v1" + path)).timeout(TIMEOUT).header("Authorization", authorization);
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        HttpRequest request = builder.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"), response.body());
        } catch (IOException e) {
            throw new Unreachable("the storage service at " + base + " did not answer (" + e.getClass().getSimpleName() + (e.getMessage() == null
                    ? "" : ": " + e.getMessage()) + "); check that it runs and that vigil.scheduler.storage-url (VIGIL_STORAGE_URL) points at it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while asking the storage service", e);
        }
    }
}
