package dev.serverlessapp.local.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StoppingTest {

    @Test
    void inOrderStopsEachInTurnAndGoesOnPastOneThatFails() {
        List<String> stopped = new CopyOnWriteArrayList<>();
        Stopping.inOrder(List.of(() -> stopped.add("sources"), () -> {
            throw new IllegalStateException("broken");
        }, () -> stopped.add("backends")));

        assertThat(stopped).containsExactly("sources", "backends");
    }

    @Test
    void inParallelStopsThemSideBySide() {
        // Each close waits until all of them have begun: stopped one after another, none would finish.
        int count = 3;
        CountDownLatch begun = new CountDownLatch(count);
        List<Boolean> sawTheOthers = new CopyOnWriteArrayList<>();
        List<AutoCloseable> resources = java.util.stream.IntStream.range(0, count).<AutoCloseable>mapToObj(i -> () -> {
            begun.countDown();
            sawTheOthers.add(begun.await(30, TimeUnit.SECONDS));
        }).toList();

        Stopping.inParallel(resources);

        assertThat(sawTheOthers).hasSize(count).containsOnly(true);
    }

    @Test
    void inParallelStopsTheRestWhenOneFails() {
        List<String> stopped = new CopyOnWriteArrayList<>();
        Stopping.inParallel(List.of(() -> stopped.add("a"), () -> {
            throw new IllegalStateException("broken");
        }, () -> stopped.add("b")));

        assertThat(stopped).containsExactlyInAnyOrder("a", "b");
    }
}
