package dev.serverlessapp.support.cloudevents;

import dev.serverlessapp.support.deadline.RequestDeadline;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.observability.EventObservation;
import dev.serverlessapp.support.problem.Problems;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;
import reactor.core.publisher.Mono;

/**
 * Serves a {@link CloudEventFunction} on {@code POST /}, the path Knative delivers to. Each event has
 * its effect once per CloudEvent {@code source}+{@code id}: a redelivery gets the first answer again.
 * Another method on {@code /} gets 405 with {@code Allow: POST} (RFC 9110); any other path, 404.
 */
public final class CloudEventRoutes {

    private static final Logger log = LoggerFactory.getLogger(CloudEventRoutes.class);

    private CloudEventRoutes() {
    }

    public static RouterFunction<ServerResponse> route(CloudEventFunction function, IdempotencyStore idempotency,
            Duration keepFor) {
        return RouterFunctions.route()
                .POST("/", request -> handle(request, function, idempotency, keepFor))
                .route(RequestPredicates.path("/"), request -> Problems.respond(
                        new MethodNotAllowedException(request.method(), Set.of(HttpMethod.POST))))
                .build();
    }

    private static Mono<ServerResponse> handle(ServerRequest request, CloudEventFunction function,
            IdempotencyStore idempotency, Duration keepFor) {
        // The observation (metrics, span, log fields) comes through the Reactor context; see ObservabilityConfiguration.
        return Mono.deferContextual(context -> {
            EventObservation observation = context.getOrDefault(EventObservation.class, EventObservation.NONE);
            return CloudEventHttp.read(request)
                    .flatMap(event -> observation.observe(event, handleOnce(event, function, idempotency, keepFor)))
                    .onErrorResume(invalid -> observation.observe(null, Problems.respond(invalid)));
        });
    }

    private static Mono<ServerResponse> handleOnce(CloudEvent event, CloudEventFunction function,
            IdempotencyStore idempotency, Duration keepFor) {
        Mono<String> handled = idempotency.once(EventKeys.of(event), keepFor, () -> function.apply(event)
                .map(ReplyCodec::encode)
                .defaultIfEmpty(ReplyCodec.NO_REPLY));
        // Past the deadline Knative gets a 503 and retries; the handling itself runs on and stores its answer.
        return RequestDeadline.boundByCurrent(handled)
                .doOnSuccess(stored -> log.info("Handled event type={} source={} id={} reply={}",
                        event.getType(), event.getSource(), event.getId(), !stored.isEmpty()))
                .flatMap(stored -> stored.isEmpty()
                        ? CloudEventHttp.noReply()
                        : CloudEventHttp.reply(ReplyCodec.decode(stored)))
                .onErrorResume(error -> Problems.respond(error));
    }

    /** The idempotency key of an event: its source and id, which together identify it (CloudEvents spec). */
    static final class EventKeys {
        private EventKeys() {
        }

        static IdempotencyStore.Key of(CloudEvent event) {
            return IdempotencyStore.Key.of("event", event.getSource() + " " + event.getId(), "");
        }
    }
}
