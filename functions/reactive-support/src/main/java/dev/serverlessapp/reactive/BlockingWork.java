package dev.serverlessapp.reactive;

import java.util.concurrent.Callable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Blocking work (an SMTP session, an image decoder) on a bounded scheduler of its own, so that it never
 * holds a Netty event loop. What follows it runs on the parallel scheduler, not on the bounded thread:
 * <ul>
 *   <li>the thread is free for the next piece of blocking work at once;</li>
 *   <li>Reactor interrupts a task's thread when the task is cancelled from another thread while it runs,
 *       and the AWS SDK fails every call made from an interrupted thread ({@code SdkClientException}),
 *       async ones too: a DynamoDB write after the work must not run where such an interrupt can land.</li>
 * </ul>
 */
public final class BlockingWork {

    private BlockingWork() {
    }

    /** The work's result, or empty for null, delivered on the parallel scheduler. */
    public static <T> Mono<T> on(Scheduler scheduler, Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(scheduler).publishOn(Schedulers.parallel());
    }

    /** The same for work with no result: completes on the parallel scheduler. */
    public static Mono<Void> run(Scheduler scheduler, Runnable work) {
        return on(scheduler, () -> {
            work.run();
            return null;
        });
    }
}
