package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A signed-in request that could change state (POST, PUT, PATCH, DELETE) reached a service and was
 * answered. Each service records its own through its outbox, keyed by its name; the scheduler keeps
 * them all as the audit log.
 */
@JsonClassDescription("A signed-in request that could change state reached a service and was answered: who, what, when, outcome. "
        + "Keyed by the service's name; the scheduler keeps them as the audit log.")
public record RequestAudited(
        UUID eventId,
        @JsonPropertyDescription("When the answer was given") Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        @JsonPropertyDescription("The service that answered, e.g. storage-service") String service,
        @JsonPropertyDescription("Who asked: an access token's name, or a signed-in user") String principal,
        @JsonPropertyDescription("The role the request was made with") Role role,
        @JsonPropertyDescription("POST, PUT, PATCH or DELETE") String method,
        @JsonPropertyDescription("The request path, without its query") String path,
        @JsonProperty(required = true) @JsonPropertyDescription("The HTTP status answered") int status,
        @JsonPropertyDescription("DONE: a 2xx; REFUSED: a 4xx (not allowed, bad request, conflict); FAILED: a 5xx") Outcome outcome,
        @JsonProperty(required = true) @JsonPropertyDescription("How long answering took, in milliseconds") long millis,
        @JsonPropertyDescription("The trace the request ran in, to find its logs and the events it caused")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String traceId) {

    public static final int SCHEMA_VERSION = 1;

    /** How a request ended. */
    public enum Outcome {
        DONE, REFUSED, FAILED;

        public static Outcome of(int status) {
            return status < 400 ? DONE : status < 500 ? REFUSED : FAILED;
        }
    }

    public RequestAudited {
        Events.required(eventId, "eventId");
        Events.required(occurredAt, "occurredAt");
        Events.required(service, "service");
        Events.required(principal, "principal");
        Events.required(role, "role");
        Events.required(method, "method");
        Events.required(path, "path");
        Events.required(outcome, "outcome");
        if (path.length() > 2048) {
            throw new IllegalArgumentException("path holds " + path.length() + " characters, more than 2048");
        }
    }

    public static RequestAudited now(String service, String principal, Role role, String method, String path, int status, long millis,
            @Nullable String traceId) {
        String kept = path.length() > 2048 ? path.substring(0, 2048) : path;
        return new RequestAudited(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, service, principal, role, method, kept, status,
                Outcome.of(status), millis, traceId);
    }
}
