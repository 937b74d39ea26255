package dev.vigil.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the target-settings client every service has ({@code vigil.targets.*}).
 *
 * @param readWait how long a lookup waits for the targets topic to be read to its end before it answers
 *                 that the target's settings are not known yet
 */
@ConfigurationProperties("vigil.targets")
public record TargetSettingsProperties(@DefaultValue("30s") Duration readWait) {
}
