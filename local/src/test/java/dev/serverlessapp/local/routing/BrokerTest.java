package dev.serverlessapp.local.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.deploy.TriggerFilters;
import dev.serverlessapp.local.manifests.ChartModel;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.knative.eventing.v1.TriggerSpecBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/** The broker against real subscribers on real sockets: retries, dead letters, replies and the TTL guard. */
class BrokerTest {

    private static DisposableServer subscribers;
    private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private static final List<CloudEvent> sunk = new CopyOnWriteArrayList<>();
    private static final Dispatcher dispatcher = new Dispatcher(HttpClient.create());

    @TempDir
    Path deadLetterDir;

    @BeforeAll
    static void startSubscribers() {
        subscribers = HttpServer.create().host("127.0.0.1").port(0).route(r -> r
                .post("/flaky", (req, res) -> req.receive().then(Mono.defer(() ->
                        count("flaky") <= 2 ? res.status(503).send() : res.status(202).send())))
                .post("/poison", (req, res) -> req.receive().then(Mono.defer(() -> {
                    count("poison");
                    return res.status(400).sendString(Mono.just("not a welcome message")).then();
                })))
                .post("/gone", (req, res) -> req.receive().then(Mono.defer(() -> {
                    count("gone");
                    return res.status(404).send();
                })))
                .post("/slow", (req, res) -> {
                    count("slow");
                    return Mono.delay(Duration.ofSeconds(2)).then(res.status(202).send());
                })
                .post("/echo", (req, res) -> req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                        .flatMap(body -> {
                            count("echo");
                            var headers = new java.util.LinkedHashMap<String, String>();
                            req.requestHeaders().forEach(e -> headers.put(e.getKey(), e.getValue()));
                            CloudEvent in = HttpEvents.read(headers, body);
                            // Echoes an event of the same type back: a loop only the TTL can stop.
                            HttpEvents.Message reply = HttpEvents.binary(CloudEventBuilder.from(in)
                                    .withId(in.getId() + "+").build());
                            reply.headers().forEach(res::header);
                            return res.status(200).sendByteArray(Mono.just(reply.body())).then();
                        }))
                .post("/sink", (req, res) -> req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                        .flatMap(body -> {
                            var headers = new java.util.LinkedHashMap<String, String>();
                            req.requestHeaders().forEach(e -> headers.put(e.getKey(), e.getValue()));
                            sunk.add(HttpEvents.read(headers, body));
                            return res.status(202).send().then();
                        })))
                .bindNow();
    }

    @AfterAll
    static void stopSubscribers() {
        subscribers.disposeNow();
    }

    @Test
    void retriedServerErrorsAreDeliveredInTheEnd() {
        broker(subscription("flaky", 3, "PT0.05S", "PT5S")).publish(event("flaky")).block(Duration.ofSeconds(10));
        assertThat(calls.get("flaky").get()).isEqualTo(3);
        assertThat(DeadLetters.read(deadLetterDir)).isEmpty();
    }

    @Test
    void aPermanentClientErrorIsDeadLetteredAtOnceWithTheErrorExtensions() {
        broker(subscription("poison", 5, "PT0.05S", "PT5S")).publish(event("poison")).block(Duration.ofSeconds(10));
        assertThat(calls.get("poison").get()).isEqualTo(1);
        CloudEvent dead = DeadLetters.read(deadLetterDir).getFirst();
        assertThat(dead.getId()).isEqualTo("poison-1");
        assertThat(dead.getExtension("knativeerrorcode")).isEqualTo(400);
        assertThat(dead.getExtension("knativeerrordest").toString()).endsWith("/poison");
        assertThat(new String(Base64.getDecoder().decode(dead.getExtension("knativeerrordata").toString()),
                StandardCharsets.UTF_8)).isEqualTo("not a welcome message");
    }

    @Test
    void retryableErrorsAreDeadLetteredAfterTheLastRetry() {
        broker(subscription("gone", 2, "PT0.05S", "PT5S")).publish(event("gone")).block(Duration.ofSeconds(10));
        assertThat(calls.get("gone").get()).isEqualTo(3);
        assertThat(DeadLetters.read(deadLetterDir)).singleElement()
                .satisfies(dead -> assertThat(dead.getExtension("knativeerrorcode")).isEqualTo(404));
    }

    @Test
    void aTimeoutIsRetriedThenDeadLetteredWithoutAStatus() {
        broker(subscription("slow", 1, "PT0.05S", "PT0.2S")).publish(event("slow")).block(Duration.ofSeconds(10));
        assertThat(calls.get("slow").get()).isEqualTo(2);
        CloudEvent dead = DeadLetters.read(deadLetterDir).getFirst();
        assertThat(dead.getExtension("knativeerrorcode")).isNull();
        assertThat(new String(Base64.getDecoder().decode(dead.getExtension("knativeerrordata").toString())))
                .contains("timed out");
    }

    @Test
    void repliesGoBackIntoTheBrokerUntilTheirTtlRunsOut() {
        CloudEvent looping = CloudEventBuilder.from(event("echo")).withExtension("knativebrokerttl", 3).build();
        broker(subscription("echo", 0, "PT0S", "PT5S")).publish(looping).block(Duration.ofSeconds(10));
        assertThat(calls.get("echo").get()).isEqualTo(3);
    }

    @Test
    void aReplyReachesTheTriggerThatFiltersForIt() {
        Broker broker = broker(subscription("echo", 0, "PT0S", "PT5S"),
                new Broker.Subscription("sink", e -> "sink".equals(e.getType()), URI.create(url("/sink")),
                        DeliveryPolicy.of(null, null), null));
        broker.publish(CloudEventBuilder.v1().withId("s-1").withType("sink").withSource(URI.create("/test")).build())
                .block(Duration.ofSeconds(10));
        assertThat(sunk).anySatisfy(e -> {
            assertThat(e.getId()).isEqualTo("s-1");
            // The broker keeps its TTL to itself.
            assertThat(e.getExtension("knativebrokerttl")).isNull();
        });
    }

    private Broker broker(Broker.Subscription... subscriptions) {
        return new Broker("test", List.of(subscriptions), dispatcher, new DeadLetters(deadLetterDir, dispatcher));
    }

    private static Broker.Subscription subscription(String path, int retry, String delay, String timeout) {
        var filter = EventFilter.of(path, TriggerFilters.of(new TriggerSpecBuilder().addNewFilter().withExact(Map.of("type", path))
                .endFilter().build()));
        var delivery = new ChartModel.Delivery(retry, "linear", delay, timeout, null);
        return new Broker.Subscription(path, filter, URI.create(url("/" + path)), DeliveryPolicy.of(delivery, null), null);
    }

    private static CloudEvent event(String type) {
        return CloudEventBuilder.v1().withId(type + "-1").withType(type).withSource(URI.create("/test"))
                .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + subscribers.port() + path;
    }

    private static int count(String name) {
        return calls.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    }
}
