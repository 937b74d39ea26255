package dev.vigil.objectstore;

import java.net.URI;

/**
 * Where an S3-compatible store answers. Credentials are never part of the settings: the AWS SDK's
 * default chain resolves them where the service runs ({@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY}, a profile, or the platform's role).
 *
 * @param endpoint  the store's URL; empty for AWS itself
 * @param region    the signing region
 * @param pathStyle path-style addressing ({@code endpoint/bucket/key}), which most non-AWS stores need
 * @param timeouts  when to give the endpoint up; null: {@link S3Timeouts#DEFAULTS}
 */
public record S3Settings(URI endpoint, String region, boolean pathStyle, S3Timeouts timeouts) {

    public S3Settings {
        if (region == null || region.isBlank()) {
            region = "us-east-1";
        }
        timeouts = timeouts == null ? S3Timeouts.DEFAULTS : timeouts;
    }

    public S3Settings(URI endpoint, String region, boolean pathStyle) {
        this(endpoint, region, pathStyle, S3Timeouts.DEFAULTS);
    }
}
