package dev.vigil.scheduler.console;

import dev.vigil.contracts.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Who someone an OpenID Connect provider signed in is in Vigil, read from the claims it vouched
 * for: their role (the role claim's highest known value, else the default role, else none) and
 * their name (the username claim, else {@code email}, else {@code sub}: the first that makes a name
 * Vigil can record). Stateless and thread-safe.
 */
final class ProviderClaims {

    /** What an access token's name may hold (the session's token for the other services carries it). */
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._@+-]{1,100}");

    private final String roleClaim;
    private final @Nullable Role defaultRole;
    private final String usernameClaim;

    ProviderClaims(String roleClaim, @Nullable Role defaultRole, String usernameClaim) {
        this.roleClaim = roleClaim;
        this.defaultRole = defaultRole;
        this.usernameClaim = usernameClaim;
    }

    ProviderClaims(OidcProperties properties) {
        this(properties.roleClaim(), properties.defaultRole(), properties.usernameClaim());
    }

    String roleClaim() {
        return roleClaim;
    }

    /** The role: the highest VIEWER, OPERATOR or ADMIN (any case) in the role claim, else the default role; empty for none. */
    Optional<Role> role(Map<String, Object> claims) {
        Object value = claim(claims, roleClaim);
        List<Object> values = value instanceof Collection<?> many ? new ArrayList<>(many) : value == null ? List.of() : List.of(value);
        return values.stream().filter(String.class::isInstance).map(v -> ((String) v).strip().toUpperCase(Locale.ROOT))
                .flatMap(v -> Arrays.stream(Role.values()).filter(r -> r.name().equals(v)))
                .max(Comparator.naturalOrder()).or(() -> Optional.ofNullable(defaultRole));
    }

    /** The claim whose value names the person; empty when none of them holds a usable name. */
    Optional<String> usernameClaim(Map<String, Object> claims) {
        Set<String> candidates = new LinkedHashSet<>(List.of(usernameClaim, "email", "sub"));
        return candidates.stream().filter(name -> claims.get(name) instanceof String value && NAME.matcher(value).matches()).findFirst();
    }

    /** A claim by name; a dotted name ({@code realm_access.roles}) reaches into object claims when no claim has the whole name. */
    private static @Nullable Object claim(Map<String, Object> claims, String name) {
        if (claims.containsKey(name) || !name.contains(".")) {
            return claims.get(name);
        }
        Object current = claims;
        for (String part : name.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }
}
