package dev.serverlessapp.scheduled;

import dev.serverlessapp.contract.Events;
import dev.serverlessapp.support.cloudevents.CloudEventFunction;
import dev.serverlessapp.support.problem.PermanentFailure;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What one ping sets off: every task catches up on the hours it has not done yet, so a lost ping
 * costs nothing but delay. It replies with no event.
 */
@Component
class HourlyJob implements CloudEventFunction {

    private final List<HourlyTask> tasks;
    private final JobCursor cursor;
    private final Clock clock;
    private final int catchupHours;

    HourlyJob(List<HourlyTask> tasks, JobCursor cursor, Clock clock, ReportProperties reports) {
        this.tasks = tasks;
        this.cursor = cursor;
        this.clock = clock;
        this.catchupHours = reports.catchupHours();
    }

    @Override
    public Mono<CloudEvent> apply(CloudEvent event) {
        if (!Events.PING.equals(event.getType())) {
            // Not retryable: a trigger routes the wrong events here; Knative dead-letters them.
            return Mono.error(new PermanentFailure(HttpStatus.BAD_REQUEST, "Unexpected event type",
                    "scheduled-tasks handles " + Events.PING + " events, not " + event.getType(), null));
        }
        Instant now = clock.instant();
        return cursor.read()
                // The tasks are independent: an S3 outage must not hold back clean-up or welcomes.
                .flatMap(progress -> Mono.whenDelayError(tasks.stream()
                        .map(task -> catchUp(task, progress.lastDone(task.cursor()), now))
                        .toList()))
                .onErrorMap(Exceptions::isMultiple, HourlyJob::firstOf)
                .then(Mono.empty());
    }

    /** Works through the task's hours in order; the cursor moves past an hour only when it is done. */
    private Mono<Void> catchUp(HourlyTask task, Optional<Instant> lastDone, Instant now) {
        return Flux.fromIterable(task.hours(lastDone, now, catchupHours))
                .concatMap(hour -> task.run(hour, now)
                        .then(Hours.isDone(hour, now) ? cursor.advance(task.cursor(), hour) : Mono.empty()))
                .then();
    }

    /** Several tasks failed: answer for the first, so a backend outage still maps to a 503. */
    private static Throwable firstOf(Throwable multiple) {
        return Exceptions.unwrapMultiple(multiple).getFirst();
    }
}
