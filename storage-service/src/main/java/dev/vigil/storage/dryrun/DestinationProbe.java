package dev.vigil.storage.dryrun;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import dev.vigil.storage.destination.ArtifactStore;
import dev.vigil.storage.destination.Destination;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One destination's check in a dry run: writes a small probe object where the target's backups go
 * (with the destination's encryption and storage class, but no retain-until date) and removes it
 * again, reporting what was written where, or the store's refusal made readable with what to fix.
 * Goes around the destination's circuit breaker, so a dry run neither waits for nor opens it. Stateless.
 */
final class DestinationProbe {

    private DestinationProbe() {
    }

    /**
     * @param settings where the destination is configured, e.g. {@code vigil.storage} or {@code vigil.storage.replicas (name offsite)}
     */
    static CheckResult check(Destination destination, String settings, TargetId target, JobId job) {
        String name = "destination " + destination.name();
        ArtifactStore store = destination.store();
        String bucket = store.bucket();
        String key = destination.dryRunProbeKey(target, job);
        String where = store.locate(bucket, key);
        byte[] probe = ("vigil dry run probe of job " + job + " target " + target + "\n").getBytes(StandardCharsets.UTF_8);
        long started = System.nanoTime();
        try {
            store.putSmall(bucket, key, probe, "text/plain");
        } catch (RuntimeException e) {
            return new CheckResult(name, false, "could not write a probe to " + where + ": " + readable(e, bucket, settings, "s3:PutObject"));
        }
        try {
            store.delete(bucket, key);
        } catch (RuntimeException e) {
            return new CheckResult(name, false, "wrote a probe to " + where + " but could not remove it: " + readable(e, bucket, settings,
                    "s3:DeleteObject (retention needs it too)") + "; remove the probe by hand");
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        String detail = "wrote and removed " + probe.length + " bytes at " + where + " in " + millis + " ms";
        if (keepsVersions(store, bucket)) {
            detail += "; the bucket keeps versions (versioning or Object Lock), so the delete left a delete marker and the probe's "
                    + "version, which the bucket's lifecycle rules expire";
        }
        return new CheckResult(name, true, detail);
    }

    private static boolean keepsVersions(ArtifactStore store, String bucket) {
        try {
            return store.keepsVersions(bucket);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The store's error as an operator reads it, with what to fix; never a credential (the SDK's messages hold none). */
    static String readable(RuntimeException e, String bucket, String settings, String permission) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null || s3.awsErrorDetails().errorCode() == null ? "HTTP " + s3.statusCode()
                    : s3.awsErrorDetails().errorCode() + " (HTTP " + s3.statusCode() + ")";
            String message = s3.awsErrorDetails() == null || s3.awsErrorDetails().errorMessage() == null ? ""
                    : ": " + s3.awsErrorDetails().errorMessage();
            String fix = switch (code.split(" ")[0]) {
                case "NoSuchBucket" -> "the bucket " + bucket + " does not exist: create it, or set " + settings
                        + " bucket to one that exists (or its create-bucket to true)";
                case "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken" -> "the store does not accept the "
                        + "credentials: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the SDK's credential chain) of the storage service";
                case "AccessDenied" -> "the credentials may not do this in bucket " + bucket + ": grant " + permission + " on its keys";
                default -> s3.statusCode() == 403 ? "the store refused: grant " + permission + " on the keys of bucket " + bucket
                        : s3.statusCode() == 404 ? "the bucket " + bucket + " was not found: check " + settings + " bucket and endpoint"
                        : "the store answered an error; check " + settings;
            };
            return "the store answered " + code + message + "; " + fix;
        }
        if (e instanceof SdkClientException client) {
            String cause = client.getMessage();
            if (cause != null && cause.contains("Unable to load credentials")) {
                return "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the storage service (or its SDK credential chain)";
            }
            return "could not reach the store (" + cause + "); check " + settings + " endpoint and that it answers from here";
        }
        if (e instanceof SdkException sdk) {
            return sdk.getClass().getSimpleName() + ": " + sdk.getMessage() + "; check " + settings;
        }
        if (e instanceof UncheckedIOException io) {
            return io.getMessage() + " (" + io.getCause() + "); check that the directory is mounted and writable by the storage service's user";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
