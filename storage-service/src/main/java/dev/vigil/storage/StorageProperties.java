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
 * @param partSizeMb   multipart part size when copying from S3 staging (at least 5)
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
        @DefaultValue("16") int partSizeMb) {
}
