package dev.vigil.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

class SignInThrottleTest {

    /** Knows one password; counts how often it was asked. */
    private static final class Passwords implements AuthenticationProvider {
        int asked;

        @Override
        public Authentication authenticate(Authentication attempt) {
            asked++;
            if (!"right password".equals(attempt.getCredentials())) {
                throw new BadCredentialsException("wrong");
            }
            return UsernamePasswordAuthenticationToken.authenticated(attempt.getName(), null, List.of());
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return true;
        }
    }

    private Instant now = Instant.parse("2026-12-01T12:00:00Z");
    private final Passwords passwords = new Passwords();
    private final SignInThrottle throttle = new SignInThrottle(passwords, new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void afterFiveWrongPasswordsEvenTheRightOneIsRefusedUntilTheWindowHasPassed() {
        for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
            assertThatThrownBy(() -> throttle.authenticate(attempt("Alice", "guess"))).isInstanceOf(BadCredentialsException.class);
        }
        int asked = passwords.asked;

        assertThatThrownBy(() -> throttle.authenticate(attempt("alice", "right password"))).isInstanceOf(LockedException.class)
                .hasMessageContaining("wait");
        assertThat(passwords.asked).as("a locked name's password is not even checked").isEqualTo(asked);
        assertThat(throttle.authenticate(attempt("bob", "right password")).isAuthenticated()).as("other users sign in").isTrue();

        now = now.plus(SignInThrottle.WINDOW).plus(Duration.ofSeconds(1));
        assertThat(throttle.authenticate(attempt("alice", "right password")).isAuthenticated()).isTrue();
    }

    @Test
    void aSuccessfulSignInForgetsTheEarlierMistakes() {
        for (int i = 0; i < SignInThrottle.MAX_FAILURES - 1; i++) {
            assertThatThrownBy(() -> throttle.authenticate(attempt("carol", "guess"))).isInstanceOf(BadCredentialsException.class);
        }
        throttle.authenticate(attempt("carol", "right password"));

        assertThatThrownBy(() -> throttle.authenticate(attempt("carol", "typo"))).isInstanceOf(BadCredentialsException.class);
        assertThat(throttle.authenticate(attempt("carol", "right password")).isAuthenticated()).isTrue();
    }

    private static Authentication attempt(String username, String password) {
        return UsernamePasswordAuthenticationToken.unauthenticated(username, password);
    }
}
