package dev.vigil.scheduler.access;

import dev.vigil.contracts.Role;
import dev.vigil.security.Callers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The caller's own credential for a request the scheduler passes on to another service (retention,
 * legal holds, a registered dump's artifact): the bearer token a client sent, or, for someone signed in
 * to the operations page, an access token of their own name and role made for their session on first
 * need, kept in the session (never in the browser), revoked when they sign out and expiring on its own
 * after {@link #LIFETIME}. The other service then decides what the caller may do, and its audit log
 * names them. Thread-safe.
 */
@Component
public class SessionTokens {

    /** How long a session's token lives at most; a page left open longer signs in again for the other services. */
    static final Duration LIFETIME = Duration.ofHours(12);

    private static final String ATTRIBUTE = SessionTokens.class.getName();

    private final AccessTokens tokens;

    SessionTokens(AccessTokens tokens) {
        this.tokens = tokens;
    }

    /** The session's token, as a value and when it was made. */
    record Held(String tokenId, String text, Instant createdAt, Instant expiresAt) {
    }

    /** An Authorization header value naming the caller, and how new its credential is (a new one may not have reached the other service). */
    public record Credential(String authorization, @Nullable Instant madeAt) {

        /** Whether the credential was made within {@code window} of now. */
        public boolean newerThan(Duration window) {
            return madeAt != null && madeAt.isAfter(Instant.now().minus(window));
        }
    }

    /** The caller's credential: the Authorization header sent, else the page session's token; empty for neither. */
    public Optional<Credential> of(HttpServletRequest request) {
        String sent = request.getHeader("Authorization");
        if (sent != null) {
            return Optional.of(new Credential(sent, null));
        }
        HttpSession session = request.getSession(false);
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        if (session == null || caller == null || !caller.isAuthenticated()) {
            return Optional.empty();
        }
        Optional<Role> role = Callers.role(caller);
        if (role.isEmpty()) {
            return Optional.empty();
        }
        synchronized (session) {
            Held held = (Held) session.getAttribute(ATTRIBUTE);
            if (held == null || held.expiresAt().isBefore(Instant.now().plus(Duration.ofMinutes(5)))) {
                Instant expires = Instant.now().plus(LIFETIME);
                AccessTokens.Issued issued = tokens.create(caller.getName(), role.get(), expires, "page sign-in");
                held = new Held(issued.token().tokenId(), issued.secretToken(), Instant.now(), expires);
                session.setAttribute(ATTRIBUTE, held);
            }
            return Optional.of(new Credential("Bearer " + held.text(), held.createdAt()));
        }
    }

    /** Revokes the session's token, if it has one (on signing out). */
    public void revoke(@Nullable HttpSession session, String by) {
        if (session == null) {
            return;
        }
        Held held = (Held) session.getAttribute(ATTRIBUTE);
        if (held != null) {
            session.removeAttribute(ATTRIBUTE);
            tokens.revoke(held.tokenId(), by);
        }
    }
}
