package dev.vigil.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sign-in settings every service shares ({@code vigil.security.*}).
 *
 * @param openHealth       whether the health probes ({@code /actuator/health}, liveness, readiness) answer without a token
 *                         (status only: details need a viewer); on by default, for orchestrators' probes
 * @param openMetrics      whether {@code /actuator/prometheus} answers without a token; off by default: give Prometheus a
 *                         viewer token, or switch this on where the port is reachable only by Prometheus
 * @param grantsReadWait   how long a request waits for the access topic to be read at start-up before its token counts as unknown
 */
@ConfigurationProperties("vigil.security")
public record SecurityProperties(
        @DefaultValue("true") boolean openHealth,
        @DefaultValue("false") boolean openMetrics,
        @DefaultValue("30s") Duration grantsReadWait) {
}
