package dev.vigil.security;

import dev.vigil.contracts.Role;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is making the current request, for controllers that record it (a job's requestedBy, a hold's author). */
public final class Callers {

    private Callers() {
    }

    /** The signed-in caller's name (an access token's name, a user); empty outside a signed-in request. */
    public static Optional<String> name() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return signedIn(authentication) ? Optional.of(authentication.getName()) : Optional.empty();
    }

    /** The highest role an authentication holds; empty when it holds none. */
    public static Optional<Role> role(Authentication authentication) {
        if (!signedIn(authentication)) {
            return Optional.empty();
        }
        return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .flatMap(a -> Arrays.stream(Role.values()).filter(r -> ("ROLE_" + r.name()).equals(a)))
                .max(Comparator.naturalOrder());
    }

    private static boolean signedIn(Authentication authentication) {
        return authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof org.springframework.security.authentication.AnonymousAuthenticationToken);
    }
}
