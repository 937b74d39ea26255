package dev.vigil.storage.destination;

import dev.vigil.storage.StorageProperties;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedRunnable;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Retries with backoff inside a circuit breaker around every call to the object store. Only
 * transient failures (no answer, a timeout, a 5xx, throttling) are retried and counted towards
 * opening the circuit; while it is open, calls fail at once with {@link CallNotPermittedException}.
 */
public final class StoreGuard {

    private final CircuitBreaker breaker;
    private final Retry retry;

    /** @param destination the destination's name: each destination has a circuit of its own */
    StoreGuard(String destination, StorageProperties.Upload settings) {
        this.breaker = CircuitBreaker.of("object-store-" + destination, CircuitBreakerConfig.custom()
                .slidingWindow(10, 3, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(50)
                .waitDurationInOpenState(settings.circuitOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(StoreGuard::isTransient)
                .build());
        this.retry = Retry.of("object-store-" + destination, RetryConfig.custom()
                .maxAttempts(Math.max(1, settings.attempts()))
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.initialBackoff(), 2))
                .retryOnException(StoreGuard::isTransient)
                .build());
    }

    /** Runs {@code call}, retried while it fails transiently and the circuit lets it through. */
    public void run(CheckedRunnable call) throws Throwable {
        Retry.decorateCheckedRunnable(retry, breaker.decorateCheckedRunnable(call)).run();
    }

    /** Answers what {@code call} answers, retried while it fails transiently and the circuit lets it through. */
    public <T> T call(io.github.resilience4j.core.functions.CheckedSupplier<T> call) throws Throwable {
        return Retry.decorateCheckedSupplier(retry, breaker.decorateCheckedSupplier(call)).get();
    }

    public CircuitBreaker.State state() {
        return breaker.getState();
    }

    /** A failure that may pass by itself: the store did not answer, answered 5xx or throttled, or the circuit is open. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CallNotPermittedException || t instanceof SdkClientException) {
                return true;
            }
            if (t instanceof AwsServiceException service) {
                int status = service.statusCode();
                return status >= 500 || status == 429 || status == 408;
            }
            if (t instanceof java.net.SocketException || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof java.io.InterruptedIOException) {
                return true;
            }
        }
        return false;
    }
}
