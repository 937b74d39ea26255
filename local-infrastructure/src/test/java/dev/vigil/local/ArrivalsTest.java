package dev.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe tests wait with: it returns as soon as what it waits for is there, and fails when it is not. */
class ArrivalsTest {

    private final List<String> inbox = new CopyOnWriteArrayList<>();
    private final Arrivals<String> messages = Arrivals.of("messages", () -> inbox);
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        later.shutdownNow();
    }

    @Test
    void whatArrivesIsAnsweredAsSoonAsItIsThere() {
        later.schedule(() -> inbox.add("first"), 100, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();

        assertThat(messages.arriveWithin(Duration.ofSeconds(30), 1)).containsExactly("first");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void whatDoesNotArriveInTimeFailsSayingWhatArrived() {
        inbox.add("first");

        assertThatThrownBy(() -> messages.arriveWithin(Duration.ofMillis(200), 2))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected at least 2 messages within PT0.2S, but 1 arrived: [first]");
    }

    @Test
    void aQuietWindowIsWatchedToItsEndAndAnswersWhatHadArrived() {
        inbox.add("first");
        long start = System.nanoTime();

        assertThat(messages.noMoreArriveWithin(Duration.ofMillis(300))).containsExactly("first");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void oneMoreArrivingInTheWindowFailsAtOnce() {
        inbox.add("first");
        later.schedule(() -> inbox.add("second"), 100, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();

        assertThatThrownBy(() -> messages.noMoreArriveWithin(Duration.ofSeconds(30)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected no more messages within PT30S after 1, but 2 arrived: [first, second]");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
