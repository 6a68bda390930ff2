package dev.serverlessapp.local.lifecycle;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stopping what the runtime started: one failure never keeps the rest running. */
public final class Stopping {

    private static final Logger log = LoggerFactory.getLogger(Stopping.class);

    private Stopping() {
    }

    /** JVMs and servers take seconds to stop gracefully; they do it side by side. */
    public static void inParallel(List<? extends AutoCloseable> resources) {
        List<Thread> stopping = resources.stream()
                // Platform threads: stopping loads classes too, which pins a virtual thread's carrier.
                .map(r -> Thread.ofPlatform().name("stop").start(() -> quietly(r))).toList();
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** In the given order, each whether or not the ones before it stopped cleanly. */
    public static void inOrder(List<? extends AutoCloseable> resources) {
        resources.forEach(Stopping::quietly);
    }

    public static void quietly(AutoCloseable resource) {
        long began = System.nanoTime();
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("stopping {}: {}", resource, e.toString());
        }
        long millis = (System.nanoTime() - began) / 1_000_000;
        if (millis > 2000) {
            log.info("stopping {} took {} ms", resource.getClass().getSimpleName(), millis);
        }
    }
}
