package dev.vigil.objectstore;

import java.time.Duration;

/**
 * How long an S3 client waits before it gives an endpoint up, so a store that stops answering fails
 * the job instead of holding it. Bound by each service under its own prefix
 * ({@code vigil.staging.s3-timeouts.*}, {@code vigil.storage.s3-timeouts.*},
 * {@code vigil.verifier.s3-timeouts.*}); a value left out takes its default.
 *
 * @param connect how long to wait for a TCP (and TLS) connection to the endpoint (default 10s)
 * @param read    how long one read or write on an open connection may wait for the other side (default 60s); this also
 *                bounds a streamed download that stalls, whatever its length
 * @param attempt how long one request may take in all, sending its body and reading its answer (default 10m): one part of a
 *                multipart upload, a small object; a failed attempt is retried by the SDK. A streamed download's body is
 *                read after the request ends, so only {@code read} bounds it
 */
public record S3Timeouts(Duration connect, Duration read, Duration attempt) {

    public static final S3Timeouts DEFAULTS = new S3Timeouts(null, null, null);

    public S3Timeouts {
        connect = positive(connect, Duration.ofSeconds(10), "connect");
        read = positive(read, Duration.ofSeconds(60), "read");
        attempt = positive(attempt, Duration.ofMinutes(10), "attempt");
    }

    private static Duration positive(Duration value, Duration fallback, String name) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("the S3 " + name + " timeout must be positive, got: " + value);
        }
        return value;
    }
}
