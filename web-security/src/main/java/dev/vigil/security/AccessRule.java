package dev.vigil.security;

import dev.vigil.contracts.Role;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;

/**
 * The role a service requires for some of its requests, declared as beans by the service. Without a
 * rule, a read (GET, HEAD) needs {@link Role#VIEWER} and anything else {@link Role#ADMIN}: a new
 * endpoint is closed until someone decides who may use it.
 *
 * @param method  the HTTP method, or null for any
 * @param pattern a Spring path pattern, e.g. {@code /api/v1/incidents/{id}/acknowledge} or {@code /api/v1/jobs/**}
 */
public record AccessRule(@Nullable HttpMethod method, String pattern, Role role) {

    public static AccessRule post(String pattern, Role role) {
        return new AccessRule(HttpMethod.POST, pattern, role);
    }

    public static AccessRule patch(String pattern, Role role) {
        return new AccessRule(HttpMethod.PATCH, pattern, role);
    }
}
