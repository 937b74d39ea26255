package dev.vigil.messaging.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the transactional outbox every service with a database has ({@code vigil.outbox.*}).
 *
 * @param pollInterval   how often the relay looks for rows besides being woken after each commit
 * @param maxAttempts    failed publishes of one row before it moves to {@code outbox_dead_letter}; failures
 *                       that are not the row's own (broker unreachable, not authorized) do not count
 * @param initialBackoff wait after a row's first failed publish, doubled after each further one
 * @param maxBackoff     the longest such wait
 * @param keepPublished  how long published rows stay in the table (to see what was sent) before they are deleted
 * @param pruneInterval  how often published rows older than {@code keepPublished} are deleted, in batches
 */
@ConfigurationProperties("vigil.outbox")
public record OutboxProperties(
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("1s") Duration initialBackoff,
        @DefaultValue("1m") Duration maxBackoff,
        @DefaultValue("1d") Duration keepPublished,
        @DefaultValue("10m") Duration pruneInterval) {

    public OutboxProperties {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("vigil.outbox.max-attempts must be 1 or more, got: " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("vigil.outbox.initial-backoff must be 0 or more and max-backoff at least as long, got: "
                    + initialBackoff + " and " + maxBackoff);
        }
        if (keepPublished.isNegative() || !pruneInterval.isPositive() || !pollInterval.isPositive()) {
            throw new IllegalArgumentException("vigil.outbox.keep-published must be 0 or more, poll-interval and prune-interval more than 0");
        }
    }
}
