package dev.vigil.scheduler.api;

import dev.vigil.contracts.Role;
import dev.vigil.scheduler.access.AccessTokens;
import dev.vigil.scheduler.audit.RequestAuditLog;
import dev.vigil.security.AccessRule;
import dev.vigil.security.Callers;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who may use the API: access tokens (created, listed and revoked by an admin), who the caller is,
 * and the audit log of every signed-in state-changing request to any service.
 */
@RestController
@RequestMapping("/api/v1")
class AccessController {

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._@+-]{1,100}");

    private final AccessTokens tokens;
    private final RequestAuditLog audit;

    AccessController(AccessTokens tokens, RequestAuditLog audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    /** Who may do what on the scheduler's API; anything not named needs a viewer to read and an admin to change. */
    @Configuration(proxyBeanMethods = false)
    static class Rules {

        @Bean
        AccessRule backupsNeedAnOperator() {
            return AccessRule.post("/api/v1/targets/{targetId}/backups", Role.OPERATOR);
        }

        @Bean
        AccessRule tokensAreForAdmins() {
            return new AccessRule(HttpMethod.GET, "/api/v1/tokens/**", Role.ADMIN);
        }

        @Bean
        AccessRule usersAreForAdmins() {
            return new AccessRule(HttpMethod.GET, "/api/v1/users/**", Role.ADMIN);
        }
    }

    record NewToken(@Nullable String name, @Nullable String role, @Nullable Instant expiresAt) {
    }

    record Me(String name, String role) {
    }

    @GetMapping("/me")
    Me me(Authentication caller) {
        return new Me(caller.getName(), Callers.role(caller).map(Role::name).orElse("NONE"));
    }

    @PostMapping("/tokens")
    ResponseEntity<AccessTokens.Issued> create(@RequestBody(required = false) @Nullable NewToken request) {
        if (request == null || request.name() == null || !NAME.matcher(request.name()).matches()) {
            throw new ApiException(400, "Invalid token name",
                    "give the token a name of 1 to 100 letters, digits, spaces or . _ @ + - naming who holds it, e.g. {\"name\": \"ci-pipeline\", "
                            + "\"role\": \"OPERATOR\"}");
        }
        Role role;
        try {
            role = Role.valueOf(String.valueOf(request.role()));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "Invalid role", "role must be one of " + Arrays.toString(Role.values()) + ", got " + request.role());
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(Instant.now())) {
            throw new ApiException(400, "Invalid expiry", "expiresAt must be in the future, got " + request.expiresAt());
        }
        AccessTokens.Issued issued = tokens.create(request.name(), role, request.expiresAt(), caller());
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + issued.token().tokenId())).body(issued);
    }

    @GetMapping("/tokens")
    Map<String, List<AccessTokens.TokenView>> tokens() {
        return Map.of("tokens", tokens.all());
    }

    @DeleteMapping("/tokens/{tokenId}")
    AccessTokens.TokenView revoke(@PathVariable String tokenId) {
        return tokens.revoke(tokenId, caller()).orElseThrow(() -> new ApiException(404, "Unknown token",
                "no access token " + tokenId + "; list them with GET /api/v1/tokens"));
    }

    record AuditPage(List<RequestAuditLog.Entry> entries, @Nullable String next) {
    }

    /** The audit log, newest first; {@code before} is the {@code next} of the previous page. */
    @GetMapping("/audit")
    AuditPage audit(@RequestParam(required = false) @Nullable String service, @RequestParam(required = false) @Nullable String principal,
            @RequestParam(required = false) @Nullable String outcome, @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to, @RequestParam(required = false) @Nullable String before,
            @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw new ApiException(400, "Invalid limit", "limit must be between 1 and 500, got " + limit);
        }
        if (outcome != null && !List.of("DONE", "REFUSED", "FAILED").contains(outcome)) {
            throw new ApiException(400, "Invalid outcome", "outcome must be DONE, REFUSED or FAILED, got " + outcome);
        }
        PageCursor.Place place = before == null ? null : PageCursor.decode(before);
        List<RequestAuditLog.Entry> entries = audit.find(new RequestAuditLog.Query(service, principal, outcome, instant("from", from),
                instant("to", to), place == null ? null : place.at(), place == null ? null : place.id(), limit));
        RequestAuditLog.Entry last = entries.size() == limit ? entries.getLast() : null;
        return new AuditPage(entries, last == null ? null : PageCursor.encode(new PageCursor.Place(last.at(), last.id())));
    }

    private static @Nullable Instant instant(String name, @Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "Invalid " + name, name + " must be an ISO-8601 instant such as 2026-12-01T00:00:00Z, got " + value);
        }
    }

    private static String caller() {
        return Callers.name().orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED.value(), "Sign-in required", "send an access token"));
    }
}
