package dev.vigil.worker.dump;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops one running dump from another thread: the worker lost the request's partition to another
 * worker, or it is shutting down. The dump registers what must be stopped (the source connection,
 * pg_dump); a cancelled dump announces nothing, so its request is delivered again.
 */
final class Cancellation {

    private static final Logger log = LoggerFactory.getLogger(Cancellation.class);

    private final List<Runnable> hooks = new ArrayList<>();
    private boolean cancelled;

    /** Runs {@code hook} on cancellation, or at once if the dump is already cancelled. */
    void onCancel(Runnable hook) {
        synchronized (hooks) {
            if (!cancelled) {
                hooks.add(hook);
                return;
            }
        }
        runQuietly(hook);
    }

    void cancel() {
        List<Runnable> toRun;
        synchronized (hooks) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = List.copyOf(hooks);
            hooks.clear();
        }
        toRun.forEach(Cancellation::runQuietly);
    }

    boolean isCancelled() {
        synchronized (hooks) {
            return cancelled;
        }
    }

    /** Throws once cancelled, so a cancelled dump goes no further. */
    void check() {
        if (isCancelled()) {
            throw new CancellationException("the dump was cancelled");
        }
    }

    private static void runQuietly(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            log.debug("stopping part of a cancelled dump failed: {}", e.getMessage());
        }
    }
}
