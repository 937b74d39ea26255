/**
 * The facts Vigil's services tell each other, as immutable records, and the topics they travel on.
 *
 * <p>Every event names its job and target, carries an {@code eventId}, an {@code occurredAt} and a
 * {@code schemaVersion}, and is keyed on Kafka by its target id so one database's events stay in
 * order. Changes are additive only: a field is never removed or renamed, which the golden fixtures
 * under {@code src/test/resources/golden} enforce. No Spring in this module.
 */
package dev.vigil.contracts;
