package dev.serverlessapp.support.deadline;

import dev.serverlessapp.support.problem.PermanentFailure;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/**
 * The longest one answer takes ({@code REQUEST_DEADLINE}). Each AWS call has its own bound
 * ({@code AWS_API_CALL_TIMEOUT}), but one request may make several calls, one after the other; this
 * bounds the request. Past it the caller gets 503 with Retry-After, which HTTP clients and Knative
 * retry. Work done under a claim is not cut off half way: it runs on to its end and stores its answer
 * (see {@code claim.Holding}), and the retry gets that answer.
 *
 * <p>
 * The deadline starts once the request's body is in. The body has its own bound ({@code REQUEST_BODY_TIMEOUT}):
 * a client slow to send it gets 408, its own delay, not a 503 that would blame the function; without it a
 * body shorter than its {@code Content-Length} held its connection and its request for good.
 *
 * @param deadline    its default is in function-defaults.yaml; null: no bound (only where nothing configures
 *                    one, such as plain unit tests)
 * @param bodyTimeout how long a body may take to arrive once the request's head has; null: no bound
 */
@ConfigurationProperties("app.request")
public record RequestDeadline(Duration deadline, Duration bodyTimeout) {

    public static final RequestDeadline NONE = new RequestDeadline(null, null);

    public <T> Mono<T> bound(Mono<T> answer) {
        return deadline == null
                ? answer
                : answer.timeout(deadline, Mono.error(() -> new DeadlineExceededException(deadline)));
    }

    /** Bounds the reading of a body: past the body timeout, a 408 (which Knative retries, as HTTP clients may). */
    public <T> Mono<T> boundBody(Mono<T> body) {
        return bodyTimeout == null
                ? body
                : body.timeout(bodyTimeout, Mono.error(() -> new PermanentFailure(HttpStatus.REQUEST_TIMEOUT,
                        "Request timeout", "The body did not arrive within "
                        + bodyTimeout.toString().substring(2).toLowerCase(Locale.ROOT), null)));
    }

    /** Bounds a body by the body timeout of the request being served (see {@link #boundByCurrent}). */
    public static <T> Mono<T> boundBodyByCurrent(Mono<T> body) {
        return Mono.deferContextual(context -> context.getOrDefault(RequestDeadline.class, NONE).boundBody(body));
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
