package dev.serverlessapp.support.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.reactive.BlockingWork;
import dev.serverlessapp.support.claim.TestTable;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class BlockingWorkTest {

    static final Scheduler BLOCKING = Schedulers.newBoundedElastic(1, 10, "blocking-test");
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    @AfterAll
    static void stop() {
        BLOCKING.dispose();
    }

    @Test
    void theWorkRunsOnTheBoundedSchedulerAndWhatFollowsItDoesNot() {
        String[] threads = BlockingWork.on(BLOCKING, () -> Thread.currentThread().getName())
                .map(worker -> new String[] {worker, Thread.currentThread().getName()})
                .block(TIMEOUT);
        assertThat(threads[0]).startsWith("blocking-test");
        assertThat(threads[1]).doesNotStartWith("blocking-test");

        String afterFailure = BlockingWork.<String>on(BLOCKING, () -> {
            throw new IllegalStateException("refused");
        }).onErrorResume(failed -> Mono.fromCallable(() -> Thread.currentThread().getName())).block(TIMEOUT);
        assertThat(afterFailure).doesNotStartWith("blocking-test");

        String[] ran = new String[1];
        String afterRun = BlockingWork.run(BLOCKING, () -> ran[0] = Thread.currentThread().getName())
                .then(Mono.fromCallable(() -> Thread.currentThread().getName())).block(TIMEOUT);
        assertThat(ran[0]).startsWith("blocking-test");
        assertThat(afterRun).doesNotStartWith("blocking-test");
    }

    // guards the email-worker finding: a welcome claim was not released after a failed send (SdkClientException
    // on the SMTP thread), so the retry waited a lease instead of sending at once
    @Test
    void aDynamoDbCallAfterTheWorkSucceedsWhenTheWorkersThreadWasInterrupted() {
        TestTable table = new TestTable();
        Integer tables = BlockingWork.on(BLOCKING, () -> {
                    // what a cancellation from another thread leaves on the worker's thread
                    Thread.currentThread().interrupt();
                    return "sent";
                })
                .flatMap(sent -> Mono.fromFuture(() -> table.dynamo.listTables()))
                .map(listed -> listed.tableNames().size())
                .block(TIMEOUT);
        assertThat(tables).isPositive();
    }
}
