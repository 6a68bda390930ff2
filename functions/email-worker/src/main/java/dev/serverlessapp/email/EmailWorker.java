package dev.serverlessapp.email;

import dev.serverlessapp.contract.Events;
import dev.serverlessapp.support.cloudevents.CloudEventFunction;
import dev.serverlessapp.support.problem.PermanentFailure;
import io.cloudevents.CloudEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The seed's SQS handler: one queued message per event, as Knative's SQS source delivers it. A
 * welcome goes out once per user; a notification once per event (function-support's idempotency on
 * {@code source}+{@code id}). It replies with no event.
 */
public class EmailWorker implements CloudEventFunction {

    private static final Logger log = LoggerFactory.getLogger(EmailWorker.class);

    private final MailTransport transport;
    private final WelcomeTable welcomes;

    public EmailWorker(MailTransport transport, WelcomeTable welcomes) {
        this.transport = transport;
        this.welcomes = welcomes;
    }

    @Override
    public Mono<CloudEvent> apply(CloudEvent event) {
        return Mono.fromCallable(() -> message(event))
                .flatMap(this::send)
                .then(Mono.empty());
    }

    static EmailMessage message(CloudEvent event) {
        if (!Events.SQS.equals(event.getType())) {
            // A trigger that routes other events here is misconfigured; dead-letter them, do not drop them.
            throw new PermanentFailure("Unexpected event type",
                    "Expected " + Events.SQS + " events, got " + event.getType(), null);
        }
        return EmailMessage.parse(event.getData() == null ? null : event.getData().toBytes());
    }

    private Mono<Void> send(EmailMessage message) {
        Mono<Void> send = Mono.defer(() -> transport.send(Mail.of(message)));
        return switch (message) {
            case EmailMessage.Welcome welcome -> welcomes.sendOnce(welcome.userId(), send)
                    .doOnSuccess(done -> log.info("Welcome for user {} handled", welcome.userId()));
            case EmailMessage.Notification notification -> send
                    .doOnSuccess(done -> log.info("Notification sent"));
        };
    }
}
