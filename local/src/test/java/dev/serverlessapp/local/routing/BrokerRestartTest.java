package dev.serverlessapp.local.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessapp.local.manifests.ChartModel;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * A broker stopped in the middle of its retries, as the local runtime is by Ctrl-C, loses nothing: the
 * next broker on the same folder delivers what the first had accepted, and dead-letters nothing.
 */
class BrokerRestartTest {

    private final AtomicBoolean up = new AtomicBoolean();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Dispatcher dispatcher = new Dispatcher(HttpClient.create());
    private DisposableServer subscriber;

    @TempDir
    Path data;

    @BeforeEach
    void startSubscriber() {
        // Down (503) until told otherwise, as a function that is starting or restarting.
        subscriber = HttpServer.create().host("127.0.0.1").port(0).route(r -> r.post("/welcome", (req, res) ->
                req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
                    if (!up.get()) {
                        return res.status(503).send().then();
                    }
                    received.add(req.requestHeaders().get("ce-id"));
                    return res.status(202).send().then();
                }))).bindNow();
    }

    @AfterEach
    void stopSubscriber() {
        subscriber.disposeNow();
    }

    @Test
    void eventAcceptedBeforeAStopIsDeliveredAfterTheStart() {
        Broker first = broker();
        CloudEvent event = CloudEventBuilder.v1().withId("w-1").withType("welcome").withSource(URI.create("/test")).build();
        first.accept(event).block(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> pendingFiles() == 1);
        first.close();

        up.set(true);
        Broker second = broker();
        second.resume();

        await().atMost(Duration.ofSeconds(20)).until(() -> received.contains("w-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> pendingFiles() == 0);
        assertThat(received).containsExactly("w-1");
        assertThat(DeadLetters.read(data.resolve("dead-letters"))).as("dead letters").isEmpty();
        second.close();
    }

    private Broker broker() {
        DeliveryPolicy policy = DeliveryPolicy.of(new ChartModel.Delivery(3, "linear", "PT2S", "PT5S", null), null);
        Broker.Subscription welcome = new Broker.Subscription("email-worker", e -> "welcome".equals(e.getType()),
                URI.create("http://127.0.0.1:" + subscriber.port() + "/welcome"), policy, null);
        return new Broker("test", List.of(welcome), dispatcher, new DeadLetters(data.resolve("dead-letters"), dispatcher),
                PendingDeliveries.in(data.resolve("broker")));
    }

    private long pendingFiles() throws Exception {
        if (!Files.isDirectory(data.resolve("broker"))) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(data.resolve("broker"))) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }
}
