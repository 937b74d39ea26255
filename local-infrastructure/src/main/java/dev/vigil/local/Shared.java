package dev.vigil.local;

import java.util.function.Supplier;

/** One lazily started instance per JVM, closed when the JVM exits. */
final class Shared<T extends AutoCloseable> {

    private final Supplier<T> factory;
    private T instance;

    Shared(Supplier<T> factory) {
        this.factory = factory;
    }

    synchronized T get() {
        if (instance == null) {
            T started = factory.get();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception ignored) {
                    // the JVM is going away; nothing else can be done
                }
            }, "close-" + started.getClass().getSimpleName()));
            instance = started;
        }
        return instance;
    }
}
