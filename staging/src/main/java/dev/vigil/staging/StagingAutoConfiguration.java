package dev.vigil.staging;

import dev.vigil.objectstore.S3Clients;
import dev.vigil.objectstore.S3Settings;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The {@link Staging} of every service that has this module: a directory by default, an S3 bucket when {@code vigil.staging.bucket} is set. */
@AutoConfiguration
@EnableConfigurationProperties(StagingProperties.class)
public class StagingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Staging staging(StagingProperties properties) {
        return StagingAutoConfiguration.of(properties);
    }

    /** The staging the settings describe. */
    public static Staging of(StagingProperties properties) {
        if (properties.bucket().isBlank()) {
            return new LocalStaging(properties.dir());
        }
        return new S3Staging(S3Clients.create(new S3Settings(properties.endpoint(), properties.region(), true, properties.s3Timeouts())), properties.bucket(),
                properties.prefix(), Math.max(5, properties.partSizeMb()) * 1024 * 1024, properties.dir());
    }
}
