package dev.vigil.local;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * What a test waits for, as it arrives: webhook posts, mails, Kafka records, rows. A test says that
 * something {@linkplain #arriveWithin arrives within} a time (returning as soon as it has) or that
 * nothing more {@linkplain #noMoreArriveWithin arrives within} a window (failing as soon as it does),
 * instead of sleeping and then counting. Reads {@code arrived} on the calling thread only, so it may
 * be a view that is not thread-safe, such as a {@link KafkaProbe}'s.
 *
 * @param <T> what arrives
 */
public final class Arrivals<T> {

    private static final Duration POLL = Duration.ofMillis(50);

    private final String what;
    private final Supplier<? extends Collection<? extends T>> arrived;

    private Arrivals(String what, Supplier<? extends Collection<? extends T>> arrived) {
        this.what = what;
        this.arrived = arrived;
    }

    /** {@code what} names them in failures, e.g. "Slack posts for job 42"; {@code arrived} answers all that have arrived so far. */
    public static <T> Arrivals<T> of(String what, Supplier<? extends Collection<? extends T>> arrived) {
        return new Arrivals<>(what, arrived);
    }

    /** Waits until at least {@code count} have arrived, failing after {@code timeout}; answers all that have. */
    public List<T> arriveWithin(Duration timeout, int count) {
        try {
            return await().atMost(timeout).until(this::now, all -> all.size() >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("expected at least " + count + " " + what + " within " + timeout + ", but " + now().size()
                    + " arrived: " + now(), e);
        }
    }

    /**
     * Asserts that none beyond those already here arrives during {@code window}, failing as soon as
     * one does; answers those here.
     */
    public List<T> noMoreArriveWithin(Duration window) {
        List<T> before = now();
        try {
            await().during(window).atMost(window.plus(Duration.ofSeconds(5)))
                    .failFast(() -> now().size() > before.size())
                    .until(() -> true);
        } catch (TerminalFailureException e) {
            throw new AssertionError("expected no more " + what + " within " + window + " after " + before.size() + ", but "
                    + now().size() + " arrived: " + now(), e);
        }
        return before;
    }

    private List<T> now() {
        return List.copyOf(arrived.get());
    }

    private ConditionFactory await() {
        return Awaitility.await(what).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(POLL);
    }
}
