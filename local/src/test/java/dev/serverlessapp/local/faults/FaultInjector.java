package dev.serverlessapp.local.faults;

import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.local.LocalRuntime;
import dev.serverlessapp.local.RuntimeOptions;
import dev.serverlessapp.local.functions.FunctionProcess;
import dev.serverlessapp.local.routing.DeadLetters;
import dev.serverlessapp.testing.FaultProxy;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The fault suites' hand on the running system: the local runtime (replaced on a restart), a
 * {@link FaultProxy} in front of each backend it may stall, and the plan's faults, each at its point of
 * the traffic ({@link #started}, counted by the suite's clients).
 */
final class FaultInjector {

    private final AtomicReference<LocalRuntime> runtime = new AtomicReference<>();
    private final Map<String, FaultProxy> proxies;
    private final Consumer<LocalRuntime> beforeStop;
    /** Clients that have started; each fault waits for its point of them. */
    private final AtomicInteger started = new AtomicInteger();

    /**
     * @param proxies    the proxy in front of each backend a {@link FaultPlan.Stall} names
     * @param beforeStop what the suite reads from a runtime before a restart replaces it
     */
    FaultInjector(Map<String, FaultProxy> proxies, Consumer<LocalRuntime> beforeStop) {
        this.proxies = Map.copyOf(proxies);
        this.beforeStop = beforeStop;
    }

    LocalRuntime runtime() {
        return runtime.get();
    }

    /** Free ports below the ephemeral range, fixed for the run, so that a restart comes back where the proxies expect it. */
    static RuntimeOptions.Ports fixedPorts() {
        return new RuntimeOptions.Ports(Ports.freeFixed(), Ports.freeFixed(), Ports.freeFixed(), Ports.freeFixed(),
                Ports.freeFixed(), Ports.freeFixed());
    }

    /**
     * The plan's clients: each arrives at a seeded moment within the faults' span and starts when one of the
     * plan's places is free, so a slow or failing system slows the arrivals, as with people waiting their
     * turn. {@code client} makes the n-th client's work, in order, so that the seed gives the same clients.
     */
    <T> List<Future<T>> clients(FaultPlan plan, Random random, ExecutorService executor, IntFunction<Callable<T>> client) {
        // Fair: whoever has waited longest for a place gets the next one.
        Semaphore places = new Semaphore(plan.concurrency(), true);
        long span = plan.length().toMillis();
        Instant begin = Instant.now();
        List<Long> arrivals = new ArrayList<>();
        for (int i = 0; i < plan.users(); i++) {
            arrivals.add((long) (random.nextDouble() * span));
        }
        arrivals.sort(Long::compare);
        List<Future<T>> clients = new ArrayList<>();
        for (int i = 0; i < plan.users(); i++) {
            long arrival = arrivals.get(i);
            Callable<T> work = client.apply(i);
            clients.add(executor.submit(() -> {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), begin.plusMillis(arrival)).toMillis()));
                places.acquire();
                started.incrementAndGet();
                try {
                    return work.call();
                } finally {
                    places.release();
                }
            }));
        }
        return clients;
    }

    /** Starts the runtime with the PingSource's cron off: the hourly job never runs on its own. */
    LocalRuntime start(RuntimeOptions options) {
        LocalRuntime started = LocalRuntime.start(options, step -> System.out.println("▸ " + step));
        started.stopPingSchedules();
        runtime.set(started);
        return started;
    }

    /** The functions the traffic needs are started first: the faults hit a running system, not a cold one. */
    void warmUp(List<String> functions) {
        for (String function : functions) {
            runtime().functions().get(function).port().block(Duration.ofMinutes(5));
        }
    }

    List<FaultPlan.Window> inject(FaultPlan plan, RuntimeOptions restartOptions) throws InterruptedException {
        List<FaultPlan.Window> windows = new ArrayList<>();
        Instant last = Instant.now();
        for (FaultPlan.Step step : plan.steps()) {
            while (started.get() < step.afterSignUps()) {
                Thread.sleep(100);
            }
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), last.plus(step.gapBefore())).toMillis()));
            FaultPlan.Window window = switch (step.fault()) {
                case FaultPlan.Kill kill -> kill(kill);
                case FaultPlan.Stall stall -> stall(stall);
                case FaultPlan.Restart restart -> restart(restart, restartOptions);
            };
            System.out.println("fault: " + window + " after " + started.get() + " clients, at " + window.start());
            windows.add(window);
            last = window.end();
        }
        return windows;
    }

    /** SIGKILL of the function's process; if it is not running (starting, or scaled to zero), when it is. */
    private FaultPlan.Window kill(FaultPlan.Kill kill) throws InterruptedException {
        FunctionProcess function = runtime().functions().get(kill.function());
        Instant giveUp = Instant.now().plusSeconds(60);
        Optional<ProcessHandle> process = function.handle().filter(ProcessHandle::isAlive);
        while (process.isEmpty() && Instant.now().isBefore(giveUp)) {
            Thread.sleep(100);
            process = function.handle().filter(ProcessHandle::isAlive);
        }
        Instant at = Instant.now();
        if (process.isEmpty()) {
            return new FaultPlan.Window(kill, at, at, "skipped: not running for 60 s");
        }
        process.get().destroyForcibly();
        return new FaultPlan.Window(kill, at, at, "(pid " + process.get().pid() + ")");
    }

    private FaultPlan.Window stall(FaultPlan.Stall stall) throws InterruptedException {
        FaultProxy proxy = proxies.get(stall.backend());
        Instant start = Instant.now();
        proxy.stall();
        try {
            Thread.sleep(stall.length());
        } finally {
            proxy.pass();
        }
        return new FaultPlan.Window(stall, start, Instant.now(), "");
    }

    private FaultPlan.Window restart(FaultPlan.Restart restart, RuntimeOptions options) {
        Instant start = Instant.now();
        LocalRuntime stopping = runtime();
        beforeStop.accept(stopping);
        stopping.close();
        start(options);
        Instant end = Instant.now();
        return new FaultPlan.Window(restart, start, end, "(down " + Duration.between(start, end).toSeconds() + " s)");
    }

    /** Stops the runtime, if one runs. */
    void stop() {
        Optional.ofNullable(runtime.getAndSet(null)).ifPresent(LocalRuntime::close);
    }

    /** Every dead letter of every runtime of this run (they share the data folder). */
    static List<String> deadLetters(Path dataDir) {
        return DeadLetters.read(dataDir.resolve("dead-letters")).stream().map(FaultInjector::describe).toList();
    }

    private static String describe(CloudEvent dead) {
        String data = dead.getData() == null ? "" : new String(dead.getData().toBytes(), StandardCharsets.UTF_8);
        String error = Optional.ofNullable(dead.getExtension("knativeerrordata"))
                .map(e -> new String(Base64.getDecoder().decode(e.toString()), StandardCharsets.UTF_8))
                .orElse("");
        return "code " + dead.getExtension("knativeerrorcode") + " " + error.replaceAll("\\s+", " ")
                + " for " + data.replaceAll("\\s+", " ");
    }

    /** The messages SQS's redrive has moved to the named dead-letter queue. */
    int sqsDeadLetters(String queueName) {
        try (SqsClient client = runtime().aws().sqsClient()) {
            String queue = client.getQueueUrl(g -> g.queueName(queueName)).queueUrl();
            return client.getQueueAttributes(g -> g.queueUrl(queue).attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes().values().stream().mapToInt(Integer::parseInt).sum();
        }
    }
}
