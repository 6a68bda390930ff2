package dev.serverlessapp.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class CpuSplitTest {

    @Test
    void cpuThisJvmBurnsIsCountedForTheMachineAndForTheBenchmark() {
        var threads = ManagementFactory.getThreadMXBean();
        CpuSplit.Meter meter = CpuSplit.start(() -> 0);
        long burnedFrom = threads.getCurrentThreadCpuTime();
        long sink = 0;
        while (threads.getCurrentThreadCpuTime() - burnedFrom < 400_000_000L) {
            sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        }
        CpuSplit split = meter.perRequest(2);

        assertThat(sink).isNotNegative();
        // 400 ms of this thread's CPU over 2 requests: at least ~200 ms each, counted once, not as "others".
        assertThat(split.benchmark()).isGreaterThan(180);
        assertThat(split.machine()).isGreaterThanOrEqualTo(split.benchmark() - 20);
        assertThat(split.function()).isZero();
        assertThat(split.machine()).isCloseTo(split.function() + split.benchmark() + split.others(), within(20.0));
        assertThat(split.busyShare()).isBetween(0.0, 1.05);
    }
}
