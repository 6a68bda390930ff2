package dev.serverlessapp.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Where the machine's CPU went during one load, in milliseconds per request: the function's process, this
 * JVM (the load generator or the ceiling's own SDK client, and ElasticMQ and the SMTP catcher, which run
 * in it), and everything else (dynalite, S3Proxy, the OS). On a machine the backends share, a function's
 * throughput is bounded by what all of these spend per request, not by the function alone.
 *
 * @param machine    every CPU's busy time (/proc/stat), per request
 * @param function   the function's process, per request (0 for the ceiling, which has none)
 * @param benchmark  this JVM, per request
 * @param others     the rest: machine − function − benchmark
 * @param busyShare  the share of all CPUs that was busy during the load
 */
record CpuSplit(double machine, double function, double benchmark, double others, double busyShare) {

    /** Linux's USER_HZ: /proc/stat counts in hundredths of a second. */
    private static final double MILLIS_PER_TICK = 10;

    /** Starts measuring; {@code functionCpuMillis} is the function's CPU time so far (0 when there is none). */
    static Meter start(DoubleSupplier functionCpuMillis) {
        return new Meter(functionCpuMillis);
    }

    static final class Meter {
        private final DoubleSupplier functionCpu;
        private final double machine0;
        private final double self0;
        private final double function0;
        private final long started = System.nanoTime();

        private Meter(DoubleSupplier functionCpu) {
            this.functionCpu = functionCpu;
            this.function0 = functionCpu.getAsDouble();
            this.self0 = selfCpuMillis();
            this.machine0 = machineBusyMillis();
        }

        CpuSplit perRequest(int requests) {
            double machine = machineBusyMillis() - machine0;
            double self = selfCpuMillis() - self0;
            double function = functionCpu.getAsDouble() - function0;
            double wallMillis = (System.nanoTime() - started) / 1e6;
            int cpus = Runtime.getRuntime().availableProcessors();
            return new CpuSplit(machine / requests, function / requests, self / requests,
                    Math.max(0, machine - self - function) / requests, machine / (wallMillis * cpus));
        }
    }

    /**
     * Waits until the machine is nearly idle (under {@code share} of all CPUs busy over half a second), at
     * most {@code max}; answers whether it got there. A launch right after another variant's load would
     * otherwise share the CPUs with the backends still working off that load (dynalite, ElasticMQ, GC),
     * and its cold start would measure them too, unlike the floor's.
     */
    static boolean awaitIdleMachine(double share, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        int cpus = Runtime.getRuntime().availableProcessors();
        while (System.nanoTime() < deadline) {
            double before = machineBusyMillis();
            Thread.sleep(500);
            if ((machineBusyMillis() - before) / (500.0 * cpus) < share) {
                return true;
            }
        }
        return false;
    }

    private static double selfCpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(cpu -> cpu.toNanos() / 1e6).orElse(Double.NaN);
    }

    /** user + nice + system + irq + softirq + steal of the first line of /proc/stat ("cpu ..."), in ms. */
    static double machineBusyMillis() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(fields[i]);
            }
            return busy * MILLIS_PER_TICK;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
