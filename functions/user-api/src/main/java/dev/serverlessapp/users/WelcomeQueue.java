package dev.serverlessapp.users;

import dev.serverlessapp.contract.WelcomeMessage;
import dev.serverlessapp.support.observability.SqsTraceAttributes;
import dev.serverlessapp.support.observability.TraceContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import tools.jackson.databind.json.JsonMapper;

/** Queues the welcome mail on the email queue ({@link WelcomeMessage}). */
@Component
public class WelcomeQueue {

    private static final Logger log = LoggerFactory.getLogger(WelcomeQueue.class);

    private final SqsAsyncClient sqs;
    private final JsonMapper json;
    private final String queueUrl;

    private final TraceContext traceContext;

    public WelcomeQueue(SqsAsyncClient sqs, JsonMapper json, UserApiProperties properties, TraceContext traceContext) {
        this.sqs = sqs;
        this.json = json;
        this.queueUrl = properties.emailQueueUrl();
        this.traceContext = traceContext;
    }

    /**
     * Sends the welcome; answers whether it was queued. A failure after the SDK's retries is not the
     * caller's problem: the user is stored, its welcome is pending until email-worker sends it, and the
     * hourly job queues it again.
     */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    public Mono<Boolean> send(User user) {
        String body = json.writeValueAsString(WelcomeMessage.to(user.id(), user.name(), user.email()));
        return traceContext.current()
                .flatMap(trace -> Mono.fromFuture(() -> sqs.sendMessage(send -> send.queueUrl(queueUrl)
                        .messageBody(body).messageAttributes(SqsTraceAttributes.of(trace))
                        // The sign-up is already stored; do not hold the caller for long on a queue
                        // that is down. The SDK retries within this bound.
                        .overrideConfiguration(o -> o.apiCallTimeout(SEND_TIMEOUT)))))
                .map(sent -> true)
                .onErrorResume(error -> {
                    log.warn("Welcome for user {} not queued; it stays pending for the hourly job: {}",
                            user.id(), error.toString());
                    return Mono.just(false);
                });
    }
}
