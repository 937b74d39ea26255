package dev.vigil.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops one piece of work from another thread: the instance lost the record's partition to another
 * instance, or it is shutting down. The work registers what must be stopped (a connection, a
 * process); cancelled work announces nothing, so its record is delivered again.
 */
public final class Cancellation {

    private static final Logger log = LoggerFactory.getLogger(Cancellation.class);

    private final List<Runnable> hooks = new ArrayList<>();
    private boolean cancelled;

    /** Runs {@code hook} on cancellation, or at once if the work is already cancelled. */
    public void onCancel(Runnable hook) {
        synchronized (hooks) {
            if (!cancelled) {
                hooks.add(hook);
                return;
            }
        }
        runQuietly(hook);
    }

    public void cancel() {
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

    public boolean isCancelled() {
        synchronized (hooks) {
            return cancelled;
        }
    }

    /** Throws once cancelled, so cancelled work goes no further. */
    public void check() {
        if (isCancelled()) {
            throw new CancellationException("the work was cancelled");
        }
    }

    private static void runQuietly(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            log.debug("stopping part of cancelled work failed: {}", e.getMessage());
        }
    }
}
