package dev.serverlessapp.support.deadline;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import reactor.core.publisher.Mono;

/**
 * The longest one answer takes ({@code REQUEST_DEADLINE}). Each AWS call has its own bound
 * ({@code AWS_API_CALL_TIMEOUT}), but one request may make several calls, one after the other; this
 * bounds the request. Past it the caller gets 503 with Retry-After, which HTTP clients and Knative
 * retry. Work done under a claim is not cut off half way: it runs on to its end and stores its answer
 * (see {@code claim.Holding}), and the retry gets that answer.
 *
 * @param deadline its default is in function-defaults.yaml; null: no bound (only where nothing configures
 *                 one, such as plain unit tests)
 */
@ConfigurationProperties("app.request")
public record RequestDeadline(Duration deadline) {

    public static final RequestDeadline NONE = new RequestDeadline(null);

    public <T> Mono<T> bound(Mono<T> answer) {
        return deadline == null
                ? answer
                : answer.timeout(deadline, Mono.error(() -> new DeadlineExceededException(deadline)));
    }

    /**
     * Bounds an answer by the deadline of the request being served, which function-support's web filter
     * puts in the Reactor context (as it does the event observation), so static route factories need no
     * extra parameter.
     */
    public static <T> Mono<T> boundByCurrent(Mono<T> answer) {
        return Mono.deferContextual(context -> context.getOrDefault(RequestDeadline.class, NONE).bound(answer));
    }
}
