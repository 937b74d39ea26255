package dev.vigil.storage.recheck;

import dev.vigil.storage.destination.ObjectDigest;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.core.NestedExceptionUtils;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** What is wrong with one copy, from what it holds now and what was recorded when it was stored. Pure; stateless. */
final class CopyFindings {

    /** The longest detail a problem carries from a failure's message. */
    static final int MAX_DETAIL = 300;

    private CopyFindings() {
    }

    /** Why the copy is not the backup that was stored; empty when its size and SHA-256 are those recorded. */
    static Optional<String> altered(long recordedSize, String recordedSha256, ObjectDigest found) {
        if (found.size() == recordedSize && found.sha256().equals(recordedSha256)) {
            return Optional.empty();
        }
        return Optional.of("holds " + found.size() + " bytes with SHA-256 " + found.sha256() + "; the catalog recorded " + recordedSize
                + " bytes with SHA-256 " + recordedSha256);
    }

    /** Whether the copy's Object Lock date is to be checked: one was set, and it has not passed. */
    static boolean lockToCheck(@Nullable Instant set, Instant now) {
        return set != null && set.isAfter(now);
    }

    /** Why the copy's retain-until date falls short of the one set; empty when it is that date or later. */
    static Optional<String> lockShortened(Instant set, Optional<Instant> found) {
        Instant wanted = set.truncatedTo(ChronoUnit.SECONDS);
        if (found.isPresent() && !found.get().truncatedTo(ChronoUnit.SECONDS).isBefore(wanted)) {
            return Optional.empty();
        }
        return Optional.of(found.map(date -> "retained until " + date).orElse("has no retain-until date")
                + "; the storage service set " + wanted);
    }

    /** A failure to read a copy, as an operator can act on it, without credentials and at most {@link #MAX_DETAIL} characters. */
    static String unreadable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CallNotPermittedException) {
                return "not read: the destination's circuit is open, as its store failed on recent calls";
            }
            if (t instanceof AwsServiceException service) {
                String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
                return "the store answered " + service.statusCode() + (code == null ? "" : " " + code);
            }
        }
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(failure);
        String message = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        // An endpoint written with user information (scheme://user:password@host) must not reach a log or an event.
        message = message.replaceAll("://[^/@\\s]+@", "://***@");
        return message.length() <= MAX_DETAIL ? message : message.substring(0, MAX_DETAIL - 1) + "…";
    }
}
