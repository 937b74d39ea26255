package dev.vigil.staging;

import dev.vigil.objectstore.S3Timeouts;
import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where staging is ({@code vigil.staging.*}); the dump worker and the storage service must be given
 * the same settings.
 *
 * @param dir        the staging directory, or (S3 staging) local scratch space of the worker
 * @param bucket     stage in this S3 bucket instead of {@code dir} (workers on several hosts); empty: the directory
 * @param prefix     key prefix in the staging bucket
 * @param endpoint   the staging bucket's S3-compatible endpoint; empty for AWS S3
 * @param region     signing region of the staging endpoint
 * @param partSizeMb multipart part size for S3 staging, the memory one upload holds (at least 5)
 * @param s3Timeouts when S3 staging gives the endpoint up: connect, read, one request
 */
@ConfigurationProperties("vigil.staging")
public record StagingProperties(
        @DefaultValue("/var/lib/vigil/staging") Path dir,
        @DefaultValue("") String bucket,
        @DefaultValue("staging") String prefix,
        URI endpoint,
        @DefaultValue("us-east-1") String region,
        @DefaultValue("16") int partSizeMb,
        @DefaultValue S3Timeouts s3Timeouts) {
}
