package dev.vigil.scheduler.api;

import dev.vigil.scheduler.access.SessionTokens;
import dev.vigil.scheduler.restore.StorageApi;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Passes a request on to the storage service as the caller (their bearer token, or their page
 * session's token: {@link SessionTokens}) and hands its answer back as it is.
 */
@Component
class StorageRelay {

    /** How long a just-made session token may take to reach the storage service (the access topic) before its 401 is believed. */
    private static final Duration NEW_TOKEN_WAIT = Duration.ofSeconds(10);

    private final StorageApi storage;
    private final SessionTokens sessions;

    StorageRelay(StorageApi storage, SessionTokens sessions) {
        this.storage = storage;
        this.sessions = sessions;
    }

    /** What the storage service answered {@code method path}; 401 when the caller has no credential to pass on. */
    StorageApi.Answer send(String method, String path, HttpServletRequest request, byte @Nullable [] json) {
        SessionTokens.Credential credential = sessions.of(request).orElseThrow(() -> new ApiException(401, "Not signed in",
                "send an access token (Authorization: Bearer …) or sign in to the operations page"));
        try {
            StorageApi.Answer answer = storage.send(method, path, credential.authorization(), json);
            // A token made for a page session moments ago may not have reached the storage service yet.
            while (answer.status() == 401 && credential.newerThan(NEW_TOKEN_WAIT)) {
                Thread.sleep(200);
                answer = storage.send(method, path, credential.authorization(), json);
            }
            return answer;
        } catch (StorageApi.Unreachable e) {
            throw new ApiException(503, "Storage service unreachable", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "Storage service unreachable", "interrupted while asking the storage service");
        }
    }

    /** The storage service's answer as this service's. */
    static ResponseEntity<byte[]> relay(StorageApi.Answer answer) {
        if (answer.body().length == 0) {
            return ResponseEntity.status(answer.status()).build();
        }
        return ResponseEntity.status(answer.status()).contentType(MediaType.parseMediaType(answer.contentType())).body(answer.body());
    }
}
