package dev.vigil.worker;

import java.nio.file.Path;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the dump worker ({@code vigil.worker.*}); where artifacts are staged is {@code vigil.staging.*}.
 *
 * @param pgBinRoot         directory holding one {@code <major>/bin} per installed PostgreSQL client (Debian's layout)
 * @param pgBinDir          a single directory holding pg_dump, used instead of {@code pgBinRoot} when set
 * @param connectTimeout    how long to wait for a target to accept a connection
 * @param countTimeout      how long counting one table's rows on the source may take (a statement timeout) before the job
 *                          fails; the worker's connection also gives up a server that does not answer for this plus a minute
 * @param unknownTargetWait how long a request for a target not (yet) announced waits before it fails
 * @param workerId          this instance's name in events; defaults to host name and process id
 * @param retry             how transient failures (an unreachable target) are retried before the job fails
 * @param compression       zstd (default), gzip or none, around pg_dump's uncompressed custom format
 * @param compressionLevel  zstd 1-19 (default 3), gzip 1-9
 * @param compressionWorkers zstd worker threads (0: compress on the dump's own thread)
 * @param encryptionKeyId   the key to encrypt under (AES-256-GCM); empty for no encryption
 * @param encryptionKeys    the keyring, {@code id:base64-32-bytes[,...]}, given by reference ({@code VIGIL_ENCRYPTION_KEYS})
 * @param ageRecipient      an age recipient ({@code age1...}, a public key) to encrypt every artifact to instead, so this
 *                          worker holds no key that decrypts a backup; empty for none. Not with {@code encryptionKeyId}
 * @param progressInterval  how often a running dump publishes {@code DumpProgressed}
 * @param passwordEnvPattern the environment variables a target's {@code passwordEnv} may name (a regular expression over
 *                          the whole name), so a target's settings cannot make the worker send any other of its secrets
 * @param passwordDir       the directory a target's {@code passwordFile} must lie in
 * @param concurrency       dumps at once in this worker, whichever of its partitions the requests come from
 */
@ConfigurationProperties("vigil.worker")
public record WorkerProperties(
        @DefaultValue("/usr/lib/postgresql") Path pgBinRoot,
        Path pgBinDir,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("30m") Duration countTimeout,
        @DefaultValue("10s") Duration unknownTargetWait,
        String workerId,
        @DefaultValue Retry retry,
        @DefaultValue("zstd") String compression,
        @DefaultValue("3") int compressionLevel,
        @DefaultValue("2") int compressionWorkers,
        @DefaultValue("") String encryptionKeyId,
        @DefaultValue("") String encryptionKeys,
        @DefaultValue("") String ageRecipient,
        @DefaultValue("5s") Duration progressInterval,
        @DefaultValue("[A-Z0-9_]*PGPASSWORD") String passwordEnvPattern,
        @DefaultValue("/run/secrets") java.nio.file.Path passwordDir,
        @DefaultValue("2") int concurrency) {

    @Override
    public String toString() {
        // The keyring never leaves in a log line or an error report.
        return "WorkerProperties[compression=" + compression + ", encryptionKeyId=" + encryptionKeyId + ", ageRecipient=" + ageRecipient + "]";
    }

    /**
     * Exponential backoff for transient failures; permanent ones (authentication, permissions,
     * versions) fail at once.
     *
     * @param attempts       tries in all, at least 1
     * @param initialBackoff wait after the first failure, doubled after each further one
     * @param maxBackoff     the longest single wait
     */
    public record Retry(
            @DefaultValue("3") int attempts,
            @DefaultValue("2s") Duration initialBackoff,
            @DefaultValue("30s") Duration maxBackoff) {

        /** The waits between tries, for resilience4j: the first after try 1, doubled after each further one, at most {@code maxBackoff}. */
        public IntervalFunction intervals() {
            return IntervalFunction.ofExponentialBackoff(initialBackoff, 2.0, maxBackoff);
        }
    }
}
