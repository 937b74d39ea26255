/**
 * Real infrastructure on loopback without Docker, written once for every module's tests and for
 * the embedded default: a Kafka broker (KRaft), throwaway PostgreSQL clusters from the OS packages,
 * an S3 API endpoint (S3Proxy), an SMTP server (GreenMail) and an HTTP receiver for webhooks;
 * and for tests, {@link dev.vigil.local.KafkaProbe} and {@link dev.vigil.local.Arrivals} to wait
 * for what arrives instead of sleeping, and {@link dev.vigil.local.MetricsScrape} to read a service's metrics as Prometheus does. Each part is {@link java.lang.AutoCloseable}; the {@code shared()} instances live for the JVM.
 */
package dev.vigil.local;
