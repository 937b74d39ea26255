/**
 * What every Vigil service shares on the wire: {@link dev.vigil.messaging.EventPublisher} sends a
 * contract event keyed by its target id, {@link dev.vigil.messaging.IncomingEvent} reads one, and
 * {@link dev.vigil.messaging.outbox} makes a state change and its event one transaction.
 * Common settings (observation, dead-letter topics, metrics) live in {@code vigil-common.yml}, which
 * each service imports.
 */
package dev.vigil.messaging;
