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
 * @param spreadWindow    each target's firing runs this much after its cron instant at most, by an offset of its own
 *                        (from its id, the same in every replica), so targets due at the same minute do not start together; zero: none
 * @param maxInFlight     at most this many backups in flight (requested, not finished) before scheduled and catch-up firings
 *                        wait in the queue (QUEUED); zero: no limit
 * @param inFlightExpiry  a job requested longer ago than this and not finished no longer holds a place in flight, so a lost one
 *                        cannot stop the queue
 */
@Validated
@ConfigurationProperties("vigil.scheduler")
public record SchedulerProperties(
        Path targetsFile,
        @DefaultValue("5s") Duration targetsReloadInterval,
        @DefaultValue("0 3 * * *") String defaultSchedule,
        @DefaultValue("UTC") String defaultTimeZone,
        @DefaultValue("http://localhost:8082") java.net.URI storageUrl,
        @DefaultValue("0s") Duration spreadWindow,
        @DefaultValue("0") int maxInFlight,
        @DefaultValue("12h") Duration inFlightExpiry) {

    public SchedulerProperties {
        if (maxInFlight < 0 || spreadWindow.isNegative() || !inFlightExpiry.isPositive()) {
            throw new IllegalArgumentException("vigil.scheduler.max-in-flight and .spread-window must not be negative, .in-flight-expiry must be positive");
        }
    }
}
