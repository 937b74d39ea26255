package dev.vigil.scheduler;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the scheduler ({@code vigil.scheduler.*}).
 *
 * @param targetsFile     YAML file listing the targets (see README, "Adding a target")
 * @param targetsReloadInterval how often the targets file is read for changes, which apply without a restart; zero: never
 * @param defaultSchedule cron expression for targets that name none: five fields (minute hour day month weekday) or six (with seconds first)
 * @param defaultTimeZone time zone for targets that name none
 * @param storageUrl      the storage service's API, which owns retention and legal holds: the scheduler's API passes
 *                        those requests on to it, with the caller's own token
 */
@Validated
@ConfigurationProperties("vigil.scheduler")
public record SchedulerProperties(
        Path targetsFile,
        @DefaultValue("5s") Duration targetsReloadInterval,
        @DefaultValue("0 3 * * *") String defaultSchedule,
        @DefaultValue("UTC") String defaultTimeZone,
        @DefaultValue("http://localhost:8082") java.net.URI storageUrl) {
}
