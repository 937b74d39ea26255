package dev.vigil.notifier.monitor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the notifier's periodic work, each on its own thread with a fixed delay between runs, from
 * the moment the service is up until it stops. A run that fails is logged and the next one comes.
 */
final class Ticks implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Ticks.class);

    /** A piece of periodic work. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    record Tick(String name, Duration every, Work work) {
    }

    private final List<Tick> ticks;
    private ScheduledExecutorService executor;

    Ticks(List<Tick> ticks) {
        this.ticks = List.copyOf(ticks);
    }

    @Override
    public synchronized void start() {
        executor = Executors.newScheduledThreadPool(ticks.size(), Thread.ofPlatform().name("notifier-tick-", 0).daemon().factory());
        for (Tick tick : ticks) {
            executor.scheduleWithFixedDelay(() -> {
                try {
                    tick.work().run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    log.warn("{} failed, trying again in {}: {}", tick.name(), tick.every(), e.toString());
                }
            }, tick.every().toMillis(), tick.every().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    @Override
    public int getPhase() {
        // After the database and the broker clients are up; stopped before them.
        return Integer.MAX_VALUE - 100;
    }
}
