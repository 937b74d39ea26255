/**
 * The transactional outbox: a service writes its state and the event announcing it in one database
 * transaction ({@link dev.vigil.messaging.outbox.Outbox#append}); the {@link dev.vigil.messaging.outbox.OutboxRelay}
 * publishes committed rows in order and marks them sent; a row that keeps failing on its own (e.g. too
 * large for the broker) moves to {@code outbox_dead_letter} after {@code vigil.outbox.max-attempts}, so it
 * blocks nothing behind it, and published rows are deleted after {@code vigil.outbox.keep-published}. The trace context of the writer is stored
 * with the row and restored when it is published, so the job's trace continues across the gap.
 * Active in every service that has a DataSource; the tables come from the shared Flyway location
 * {@code classpath:db/outbox}.
 */
package dev.vigil.messaging.outbox;
