package dev.serverlessapp.support.cloudevents;

import io.cloudevents.CloudEvent;
import reactor.core.publisher.Mono;

/**
 * A function that handles one CloudEvent. It completes empty when it has no reply event.
 * Throw {@link dev.serverlessapp.support.problem.PermanentFailure} for an event that can never
 * succeed and {@link dev.serverlessapp.support.problem.TransientFailure} for one worth retrying.
 */
@FunctionalInterface
public interface CloudEventFunction {

    Mono<CloudEvent> apply(CloudEvent event);
}
