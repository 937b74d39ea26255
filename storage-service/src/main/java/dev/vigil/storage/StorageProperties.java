package dev.vigil.storage;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the storage service ({@code vigil.storage.*}).
 *
 * @param destination  the name of the destination in events and the catalog
 * @param endpoint     the S3-compatible store's URL; empty for AWS S3 itself
 * @param region       signing region
 * @param bucket       bucket holding the backups
 * @param prefix       key prefix inside the bucket, e.g. {@code prod}; empty for none
 * @param pathStyle    path-style addressing, which most non-AWS stores need
 * @param createBucket create the bucket at start-up if it does not exist
 * @param partSizeMb   the preferred multipart part size (at least 5); larger for an artifact that would need more than {@code maxParts}
 * @param maxParts     the provider's limit on parts per object (AWS S3: 10,000; some providers 1,000)
 * @param serverSideEncryption primary: {@code AES256} or {@code aws:kms} asks the store to encrypt at rest; empty: the bucket's default
 * @param kmsKeyId     primary: the KMS key for {@code aws:kms}
 * @param storageClass primary: e.g. {@code STANDARD_IA}; empty: the bucket's default
 * @param objectLockMode primary, where its bucket has Object Lock: the mode of the retain-until dates set from the
 *                     retention tier ({@code GOVERNANCE}: users with the bypass permission may still delete;
 *                     {@code COMPLIANCE}: nobody may until the date); {@code OFF} sets none
 * @param replicas     further destinations that receive a copy of every backup (of the targets they name)
 * @param upload       how a failing store is retried, and how long artifacts wait in staging between tries
 * @param retention    the policy for targets that set none of their own, and when the daily sweep runs
 * @param s3Timeouts   when the S3 clients (primary and replicas) give an endpoint up: connect, read, one request
 * @param recheck      when every stored copy is read again and checked against its SHA-256 and Object Lock date
 * @param intakePrefix where in a target's S3 buckets dumps made outside Vigil are uploaded for the intake; an s3 URL
 *                     outside it is refused, so a stored backup cannot be registered again as another job's
 * @param intakeAllowPrivateHosts let the intake read https URLs whose host resolves to a loopback, link-local,
 *                     private or local address (refused by default: server-side request forgery)
 */
@ConfigurationProperties("vigil.storage")
public record StorageProperties(
        @DefaultValue("primary") String destination,
        URI endpoint,
        @DefaultValue("us-east-1") String region,
        @DefaultValue("vigil-backups") String bucket,
        @DefaultValue("") String prefix,
        @DefaultValue("true") boolean pathStyle,
        @DefaultValue("false") boolean createBucket,
        @DefaultValue("16") int partSizeMb,
        @DefaultValue("10000") int maxParts,
        @DefaultValue("") String serverSideEncryption,
        @DefaultValue("") String kmsKeyId,
        @DefaultValue("") String storageClass,
        @DefaultValue("GOVERNANCE") String objectLockMode,
        @DefaultValue java.util.List<Replica> replicas,
        @DefaultValue Upload upload,
        @DefaultValue Retention retention,
        @DefaultValue dev.vigil.objectstore.S3Timeouts s3Timeouts,
        @DefaultValue Recheck recheck,
        @DefaultValue("incoming/") String intakePrefix,
        @DefaultValue("false") boolean intakeAllowPrivateHosts) {

    /**
     * A destination holding a copy of each backup besides the primary: an S3 bucket (this or another
     * endpoint or region) when {@code bucket} is set, or a directory when {@code path} is set.
     *
     * @param name    the destination's name in events and the catalog
     * @param targets the targets whose backups it copies; empty: every target
     */
    public record Replica(
            String name,
            java.net.URI endpoint,
            @DefaultValue("us-east-1") String region,
            String bucket,
            @DefaultValue("") String prefix,
            @DefaultValue("true") boolean pathStyle,
            @DefaultValue("false") boolean createBucket,
            java.nio.file.Path path,
            @DefaultValue("") String serverSideEncryption,
            @DefaultValue("") String kmsKeyId,
            @DefaultValue("") String storageClass,
            @DefaultValue("GOVERNANCE") String objectLockMode,
            @DefaultValue java.util.List<String> targets) {

        public Replica {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("every vigil.storage.replicas entry needs a name");
            }
            if ((bucket == null || bucket.isBlank()) == (path == null)) {
                throw new IllegalArgumentException("replica '" + name + "' needs exactly one of bucket (an S3 destination) or path (a directory)");
            }
        }
    }

    /**
     * @param attempts       tries per upload before the artifact waits in staging (transient failures only)
     * @param initialBackoff wait after the first failed try, doubled after each further one
     * @param circuitOpenFor after mostly failing calls, how long calls fail at once before one is let through
     * @param pendingInitialWait first wait of an artifact left in staging, doubled per further failure
     * @param pendingMaxWait the longest such wait
     * @param pendingCheck   how often waiting artifacts are looked at
     */
    public record Upload(
            @DefaultValue("3") int attempts,
            @DefaultValue("1s") java.time.Duration initialBackoff,
            @DefaultValue("30s") java.time.Duration circuitOpenFor,
            @DefaultValue("10s") java.time.Duration pendingInitialWait,
            @DefaultValue("5m") java.time.Duration pendingMaxWait,
            @DefaultValue("5s") java.time.Duration pendingCheck) {
    }

    /**
     * @param sweep a six-field cron expression (UTC) for the daily sweep over every target
     * @param floor the least any policy keeps, a target's own (from the targets topic) or the default
     */
    public record Retention(
            @DefaultValue("7") int daily,
            @DefaultValue("4") int weekly,
            @DefaultValue("12") int monthly,
            @DefaultValue("3") int yearly,
            @DefaultValue("7") int keepWithinDays,
            @DefaultValue("3") int minVerified,
            @DefaultValue("0 30 4 * * *") String sweep,
            @DefaultValue Floor floor) {

        /** The default policy; a mistake in it stops the service at start-up with what is wrong. */
        public dev.vigil.contracts.RetentionPolicy policy() {
            return new dev.vigil.contracts.RetentionPolicy(daily, weekly, monthly, yearly, keepWithinDays, minVerified);
        }
    }

    /**
     * The service-wide floor under every retention policy: a policy that keeps less is raised to it
     * for planning (and a warning names the target and the fields raised). A mistake in it stops the
     * service at start-up.
     *
     * @param minVerified    verified backups always kept (1 or more)
     * @param daily          daily backups always kept
     * @param keepWithinDays every backup of the last N days always kept
     */
    public record Floor(
            @DefaultValue("2") int minVerified,
            @DefaultValue("1") int daily,
            @DefaultValue("1") int keepWithinDays) {
    }

    /**
     * The re-check of stored copies at rest.
     *
     * @param schedule a six-field cron expression (UTC) for the run over every target; {@code -} turns it off
     */
    public record Recheck(@DefaultValue("0 0 4 * * SUN") String schedule) {

        public Recheck {
            if (!"-".equals(schedule) && !org.springframework.scheduling.support.CronExpression.isValidExpression(schedule)) {
                throw new IllegalArgumentException("vigil.storage.recheck.schedule must be a six-field cron expression (UTC) or '-' for "
                        + "never, got: " + schedule);
            }
        }
    }
}
