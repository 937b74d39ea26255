package dev.vigil.scheduler.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/**
 * Slows down guessing passwords on the page's sign-in: after {@value #MAX_FAILURES} wrong passwords
 * for one username within {@link #WINDOW}, that username cannot sign in until the oldest failure is
 * {@link #WINDOW} old, whatever the password. Kept in memory (a restart forgets it); each refusal is
 * logged for operators without the password. Thread-safe.
 */
final class SignInThrottle implements AuthenticationProvider {

    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** Bounds the memory an attacker trying many usernames can take. */
    private static final int MAX_TRACKED = 10_000;

    private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);

    private final AuthenticationProvider passwords;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    SignInThrottle(AuthenticationProvider passwords, Clock clock) {
        this.passwords = passwords;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(Authentication attempt) {
        String username = String.valueOf(attempt.getName()).toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        Deque<Instant> recent = failures.get(username);
        if (recent != null) {
            synchronized (recent) {
                recent.removeIf(at -> at.isBefore(now.minus(WINDOW)));
                if (recent.size() >= MAX_FAILURES) {
                    log.warn("sign-in as {} refused: {} wrong passwords within {}", username, recent.size(), WINDOW);
                    throw new LockedException("too many wrong passwords for this user; wait a few minutes");
                }
            }
        }
        try {
            Authentication done = passwords.authenticate(attempt);
            failures.remove(username);
            return done;
        } catch (BadCredentialsException wrong) {
            if (failures.size() < MAX_TRACKED || failures.containsKey(username)) {
                Deque<Instant> list = failures.computeIfAbsent(username, name -> new ArrayDeque<>());
                synchronized (list) {
                    list.addLast(now);
                }
            }
            log.info("wrong password for {}", username);
            throw wrong;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
