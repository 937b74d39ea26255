package dev.vigil.scheduler.schedule;

import dev.vigil.contracts.TargetId;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * How long after its cron instant a target's firing runs ({@code vigil.scheduler.spread-window}): an offset
 * in [0, window) from the SHA-256 of the target's id, the same in every replica and every run, so targets
 * due at the same minute start spread over the window while each keeps its own steady time. Pure.
 */
final class Spread {

    private Spread() {
    }

    /** The target's offset within {@code window}, to the millisecond; zero when the window is zero. */
    static Duration offset(TargetId targetId, Duration window) {
        long millis = window.toMillis();
        if (millis <= 0) {
            return Duration.ZERO;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(targetId.value().getBytes(StandardCharsets.UTF_8));
            return Duration.ofMillis(new BigInteger(1, digest).mod(BigInteger.valueOf(millis)).longValueExact());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
