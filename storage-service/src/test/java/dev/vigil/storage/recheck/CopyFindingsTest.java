package dev.vigil.storage.recheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.storage.destination.ObjectDigest;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

class CopyFindingsTest {

    private static final String SHA = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private static final String OTHER = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final Instant SET = Instant.parse("2029-11-21T03:00:04Z");

    @Test
    void aCopyIsAlteredWhenItsChecksumOrItsSizeDiffersAndTheDetailGivesBoth() {
        assertThat(CopyFindings.altered(100, SHA, new ObjectDigest(100, SHA))).isEmpty();
        assertThat(CopyFindings.altered(100, SHA, new ObjectDigest(100, OTHER)))
                .contains("holds 100 bytes with SHA-256 " + OTHER + "; the catalog recorded 100 bytes with SHA-256 " + SHA);
        assertThat(CopyFindings.altered(100, SHA, new ObjectDigest(99, SHA))).get().asString().startsWith("holds 99 bytes");
    }

    @Test
    void aLockIsCheckedOnlyWhereADateWasSetAndHasNotPassed() {
        Instant now = Instant.parse("2026-11-22T04:00:00Z");
        assertThat(CopyFindings.lockToCheck(null, now)).isFalse();
        assertThat(CopyFindings.lockToCheck(now.minus(Duration.ofDays(1)), now)).as("a date passed: nothing left to protect").isFalse();
        assertThat(CopyFindings.lockToCheck(SET, now)).isTrue();
    }

    @Test
    void aLockIsShortenedWhenItsDateIsEarlierThanTheOneSetOrGone() {
        assertThat(CopyFindings.lockShortened(SET, Optional.of(SET))).isEmpty();
        assertThat(CopyFindings.lockShortened(SET, Optional.of(SET.plus(Duration.ofDays(365))))).as("extended by someone").isEmpty();
        assertThat(CopyFindings.lockShortened(SET, Optional.of(SET.plusMillis(300)))).as("a store keeping milliseconds").isEmpty();
        assertThat(CopyFindings.lockShortened(SET, Optional.of(Instant.parse("2026-12-01T00:00:00Z"))))
                .contains("retained until 2026-12-01T00:00:00Z; the storage service set 2029-11-21T03:00:04Z");
        assertThat(CopyFindings.lockShortened(SET, Optional.empty()))
                .contains("has no retain-until date; the storage service set 2029-11-21T03:00:04Z");
    }

    @Test
    void aFailureToReadSaysWhatTheStoreAnsweredAndNeverACredential() {
        S3Exception denied = (S3Exception) S3Exception.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied").build()).build();
        assertThat(CopyFindings.unreadable(new RuntimeException("wrapped", denied))).isEqualTo("the store answered 403 AccessDenied");
        assertThat(CopyFindings.unreadable(CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x"))))
                .contains("circuit is open");
        assertThat(CopyFindings.unreadable(new UncheckedIOException(new IOException("Connection reset by https://key:secret@store.example/"))))
                .isEqualTo("IOException: Connection reset by https://***@store.example/");
        assertThat(CopyFindings.unreadable(new IOException("x".repeat(1000)))).hasSize(CopyFindings.MAX_DETAIL);
    }
}
