package dev.serverlessapp.local.routing;

import dev.serverlessapp.contract.KnativeRetries;
import io.cloudevents.CloudEvent;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/** Sends an event to one subscriber in binary mode, retrying as its delivery policy says. Never blocks. */
public final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final HttpClient http;

    public Dispatcher(HttpClient http) {
        this.http = http;
    }

    /** What became of a delivery. */
    public sealed interface Outcome {
        /** A 2xx; the reply event, if the subscriber answered with one. */
        record Delivered(Optional<CloudEvent> reply) implements Outcome {
        }

        /** Given up: the last status (null for a timeout or no connection) and what the subscriber said. */
        record Failed(Integer status, byte[] body, int attempts) implements Outcome {
        }
    }

    public Mono<Outcome> send(CloudEvent event, URI target, DeliveryPolicy policy) {
        return attempt(HttpEvents.binary(event), target, policy, 1);
    }

    private Mono<Outcome> attempt(HttpEvents.Message message, URI target, DeliveryPolicy policy, int attempt) {
        return post(message, target, policy)
                .flatMap(answer -> {
                    if (answer.status() != null && KnativeRetries.isSuccess(answer.status())) {
                        return Mono.just((Outcome) new Outcome.Delivered(reply(answer, target)));
                    }
                    boolean retryable = answer.status() == null || KnativeRetries.isRetried(answer.status());
                    if (retryable && attempt <= policy.retry()) {
                        log.info("{} answered {}: retry {} of {} in {}", target, describe(answer), attempt,
                                policy.retry(), policy.delayBefore(attempt));
                        return Mono.delay(policy.delayBefore(attempt))
                                .then(Mono.defer(() -> attempt(message, target, policy, attempt + 1)));
                    }
                    return Mono.just(new Outcome.Failed(answer.status(), answer.body(), attempt));
                });
    }

    /** One attempt; a timeout or a refused connection becomes an answer with no status. */
    private Mono<Answer> post(HttpEvents.Message message, URI target, DeliveryPolicy policy) {
        return http.headers(h -> {
                    message.headers().forEach(h::set);
                    h.setInt("content-length", message.body().length);
                })
                .post()
                .uri(target)
                .send(ByteBufFlux.fromInbound(Mono.just(message.body())))
                .responseSingle((response, content) -> content.asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .map(body -> new Answer(response.status().code(), headers(response.responseHeaders()), body)))
                .timeout(policy.timeout())
                .onErrorResume(e -> Mono.just(new Answer(null, Map.of(), errorText(e, policy).getBytes())));
    }

    private static Optional<CloudEvent> reply(Answer answer, URI target) {
        try {
            return HttpEvents.reply(answer.headers(), answer.body());
        } catch (IllegalArgumentException e) {
            log.warn("{} replied with something that is not a valid CloudEvent; ignored: {}", target, e.getMessage());
            return Optional.empty();
        }
    }

    private static String errorText(Throwable e, DeliveryPolicy policy) {
        return e instanceof TimeoutException ? "timed out after " + policy.timeout() : e.toString();
    }

    private static String describe(Answer answer) {
        return answer.status() == null ? new String(answer.body()) : "HTTP " + answer.status();
    }

    private static Map<String, String> headers(HttpHeaders headers) {
        Map<String, String> map = new LinkedHashMap<>();
        headers.forEach(e -> map.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
        return map;
    }

    private record Answer(Integer status, Map<String, String> headers, byte[] body) {
    }
}
