package dev.vigil.security;

import dev.vigil.contracts.AccessGranted;
import dev.vigil.contracts.AccessToken;
import dev.vigil.contracts.Role;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionAuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * Turns a bearer token into who is asking: the token must be well formed, granted, not revoked, not
 * expired, and its secret's SHA-256 must be the granted one (compared in constant time). The
 * principal's authorities are its role and every role below it, so a plain role check (the
 * actuator's too) needs no hierarchy. Never logs or repeats the token.
 */
public class TokenIntrospector implements OpaqueTokenIntrospector {

    /** The principal's attribute naming the token's id (the audit log shows it). */
    public static final String TOKEN_ID = "token_id";
    /** The principal's attribute naming its role. */
    public static final String ROLE = "role";

    private final TokenVerifier verifier;
    private final Clock clock;

    public TokenIntrospector(TokenVerifier verifier, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
    }

    @Override
    public OAuth2AuthenticatedPrincipal introspect(String text) {
        AccessToken token = AccessToken.parse(text).orElseThrow(() -> new BadOpaqueTokenException(
                "not a Vigil access token (they look like vigil_<id>.<secret>); an admin creates one with POST /api/v1/tokens"));
        Optional<AccessGranted> grant;
        try {
            grant = verifier.grant(token.tokenId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadOpaqueTokenException("interrupted while looking up the token");
        }
        AccessGranted granted = grant.filter(g -> token.matches(g.secretSha256())).orElseThrow(() -> new BadOpaqueTokenException(
                "token " + token.tokenId() + " is unknown or revoked; ask an admin for a new one"));
        if (granted.expiresAt() != null && !clock.instant().isBefore(granted.expiresAt())) {
            throw new BadOpaqueTokenException("token " + token.tokenId() + " expired at " + granted.expiresAt() + "; ask an admin for a new one");
        }
        return new OAuth2IntrospectionAuthenticatedPrincipal(granted.name(),
                Map.of(TOKEN_ID, granted.tokenId(), ROLE, granted.role().name()), authorities(granted.role()));
    }

    /** {@code ROLE_<role>} for the role and each role it covers. */
    public static List<GrantedAuthority> authorities(Role role) {
        return Arrays.stream(Role.values()).filter(role::covers)
                .<GrantedAuthority>map(r -> new SimpleGrantedAuthority("ROLE_" + r.name())).toList();
    }
}
