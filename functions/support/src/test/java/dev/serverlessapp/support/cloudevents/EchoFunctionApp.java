package dev.serverlessapp.support.cloudevents;

import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.support.claim.CountingDynamo;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.problem.PermanentFailure;
import dev.serverlessapp.support.problem.TransientFailure;
import dev.serverlessapp.support.table.AppTable;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** A function for testing the binding: it answers each event type in one of the ways a function can. */
@SpringBootApplication
public class EchoFunctionApp {

    static final AtomicInteger calls = new AtomicInteger();
    /** Holds "test.slow" events until a test lets them go. */
    static volatile Sinks.Empty<Void> gate = Sinks.empty();
    /** Counts the app's DynamoDB reads: a redelivery reads the claim that the first delivery holds. */
    static final CountingDynamo dynamo = new CountingDynamo();

    /** Points the app at DynamoDB on the shared local backends, in a table of its own named after the test. */
    public static void backends(DynamicPropertyRegistry registry, String tablePrefix) {
        LocalBackends backends = LocalBackends.shared();
        backends.springProperties(Backends.Service.DYNAMODB).forEach((name, value) -> registry.add(name, () -> value));
        String table = tablePrefix + "-" + UUID.randomUUID();
        backends.clients().createTable(AppTable.createTableRequest(table));
        registry.add("app.table.name", () -> table);
    }

    @Bean
    static BeanPostProcessor countingDynamo() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DynamoDbAsyncClient client ? dynamo.wrap(client) : bean;
            }
        };
    }

    @Bean
    RouterFunction<ServerResponse> routes(IdempotencyStore idempotency) {
        return CloudEventRoutes.route(event -> {
            calls.incrementAndGet();
            return switch (event.getType()) {
                case "test.echo" -> Mono.just(echo(event));
                case "test.silent" -> Mono.empty();
                case "test.slow" -> gate.asMono().then(Mono.empty());
                case "test.poison" -> Mono.error(new PermanentFailure("Poison", "This event can never succeed", null));
                case "test.flaky" -> Mono.error(new TransientFailure("The backend is down", null));
                default -> Mono.error(new IllegalStateException("unexpected"));
            };
        }, idempotency, Duration.ofHours(1));
    }

    /** The event's data back, under a new id; an event without data gets a reply without data. */
    static CloudEvent echo(CloudEvent event) {
        CloudEventBuilder reply = CloudEventBuilder.v1()
                .withId("reply-" + event.getId())
                .withSource(URI.create("/echo"))
                .withType("test.echoed");
        return event.getData() == null ? reply.build() : reply.withData("application/json", event.getData().toBytes()).build();
    }
}
