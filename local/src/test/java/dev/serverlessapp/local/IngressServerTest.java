package dev.serverlessapp.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.http.RawHttp;
import dev.serverlessapp.testing.fuzz.ProblemOracle;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;

/** The broker ingress over real sockets: what it takes is routed, what it refuses gets a 4xx problem detail and goes nowhere. */
class IngressServerTest {

    private static final Duration ANSWER = Duration.ofSeconds(30);

    @RegisterExtension
    static final IngressFixture fixture = new IngressFixture();

    @BeforeEach
    void clear() {
        fixture.subscriber.clear();
    }

    @Test
    void aBinaryEventIsAcceptedAndDelivered() {
        RawHttp.Answer answer = post(fixture.brokerPath(), binary("binary-1", "application/json"), "{\"a\":1}");
        assertThat(answer.status()).isEqualTo(202);
        assertThat(fixture.awaitDelivered("binary-1", ANSWER)).hasValueSatisfying(event -> {
            assertThat(event.getType()).isEqualTo("com.example.test");
            assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        });
    }

    @Test
    void aStructuredEventIsAcceptedAndDelivered() {
        RawHttp.Answer answer = post(fixture.brokerPath(), Map.of("Content-Type", "application/cloudevents+json"), """
                {"specversion":"1.0","id":"structured-1","type":"com.example.test","source":"/test","data":{"a":1}}""");
        assertThat(answer.status()).isEqualTo(202);
        assertThat(fixture.awaitDelivered("structured-1", ANSWER)).isPresent();
    }

    @Test
    void attributesBeyondAsciiArriveAsTheyWereSent() {
        // Structured mode: real characters, which the broker delivers in binary mode as UTF-8 header bytes.
        post(fixture.brokerPath(), Map.of("Content-Type", "application/cloudevents+json"), """
                {"specversion":"1.0","id":"utf8-1","type":"com.example.test","source":"/test","subject":"Grüße 例 \uD83D\uDE00"}""");
        assertThat(fixture.awaitDelivered("utf8-1", ANSWER)).hasValueSatisfying(event ->
                assertThat(event.getSubject()).isEqualTo("Grüße 例 \uD83D\uDE00"));

        // Binary mode: the UTF-8 bytes of the header, as a Go client (Knative's own) sends them.
        Map<String, String> headers = binary("utf8-2", null);
        headers.put("ce-subject", new String("Grüße 例".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        assertThat(post(fixture.brokerPath(), headers, "").status()).isEqualTo(202);
        assertThat(fixture.awaitDelivered("utf8-2", ANSWER)).hasValueSatisfying(event ->
                assertThat(event.getSubject()).isEqualTo("Grüße 例"));
    }

    @Test
    void badEventsGet4xxProblemDetailsAndAreNeitherRoutedNorDeadLettered() {
        String broker = fixture.brokerPath();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        statuses.put("missing ce-id", post(broker, without(binary("x", null), "ce-id"), "").status());
        statuses.put("specversion 9000.1", post(broker, with(binary("x", null), "ce-specversion", "9000.1"), "").status());
        statuses.put("empty type", post(broker, with(binary("x", null), "ce-type", ""), "").status());
        statuses.put("source not a URI", post(broker, with(binary("x", null), "ce-source", "a b"), "").status());
        statuses.put("bad time", post(broker, with(binary("x", null), "ce-time", "yesterday"), "").status());
        statuses.put("bad extension name", post(broker, with(binary("x", null), "ce-Bad_Name", "v"), "").status());
        statuses.put("header not UTF-8", post(broker, with(binary("x", null), "ce-subject", "\u00ff\u00fe"), "").status());
        statuses.put("truncated JSON", structured("{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":").status());
        statuses.put("numeric id", structured("{\"specversion\":\"1.0\",\"id\":7,\"type\":\"t\",\"source\":\"/s\"}").status());
        statuses.put("line break in id", structured("{\"specversion\":\"1.0\",\"id\":\"a\\r\\nb\",\"type\":\"t\",\"source\":\"/s\"}").status());
        statuses.put("lone surrogate", structured("{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":\"t\",\"source\":\"/s\",\"subject\":\"\\ud800x\"}").status());
        statuses.put("C1 control", structured("{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":\"t\",\"source\":\"/s\",\"subject\":\"\\u0085\"}").status());
        statuses.put("attributes only in headers", post(broker, with(binary("x", null), "Content-Type", "application/cloudevents+json"), "{}").status());
        statuses.put("no event at all", post(broker, Map.of("Content-Type", "application/json"), "{\"a\":1}").status());
        statuses.put("broken chunk", post(broker, with(binary("x", "application/json"), "Transfer-Encoding", "chunked"),
                "{\"a\":1}\r\n").status());
        statuses.put("batch", post(broker, Map.of("Content-Type", "application/cloudevents-batch+json"), "[]").status());
        statuses.put("structured XML", post(broker, Map.of("Content-Type", "application/cloudevents+xml"), "<e/>").status());
        statuses.put("over 1 MiB", post(broker, binary("x", "application/json"), "\"" + "x".repeat(IngressServer.MAX_EVENT_BYTES) + "\"").status());
        statuses.put("GET", exchange("GET", broker, Map.of(), "").status());
        statuses.put("DELETE", exchange("DELETE", broker, Map.of(), "").status());
        statuses.put("other broker", post("/serverless-app/other", binary("x", null), "").status());
        statuses.put("other namespace", post("/other/" + IngressFixture.BROKER, binary("x", null), "").status());
        statuses.put("deeper path", post(broker + "/more", binary("x", null), "").status());
        statuses.put("absolute-form target", post("http://127.0.0.1:1" + broker, binary("x", null), "").status());

        assertThat(statuses).containsExactlyEntriesOf(expected());
        // A good event sent last is delivered; by then any of the bad ones would have been too.
        post(broker, binary("sentinel", null), "");
        assertThat(fixture.awaitDelivered("sentinel", ANSWER)).isPresent();
        assertThat(fixture.delivered()).extracting(CloudEvent::getId).containsExactly("sentinel");
        assertThat(fixture.deadLetters()).isEmpty();
    }

    private static Map<String, Integer> expected() {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (String refused : List.of("missing ce-id", "specversion 9000.1", "empty type", "source not a URI", "bad time",
                "bad extension name", "header not UTF-8", "truncated JSON", "numeric id", "line break in id",
                "lone surrogate", "C1 control", "attributes only in headers", "no event at all", "broken chunk")) {
            expected.put(refused, 400);
        }
        expected.put("batch", 415);
        expected.put("structured XML", 415);
        expected.put("over 1 MiB", 413);
        expected.put("GET", 405);
        expected.put("DELETE", 405);
        expected.put("other broker", 404);
        expected.put("other namespace", 404);
        expected.put("deeper path", 404);
        expected.put("absolute-form target", 400);
        return expected;
    }

    @Test
    void anEventThatSqsRefusesGets400AtTheSinkAndAGoodOneIsQueued() {
        String sink = "/-/sinks/" + IngressFixture.SINK;
        RawHttp.Answer refused = post(sink, binary("sink-1", "text/plain"), "a control character: \u0001");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(post("/-/sinks/nowhere", binary("sink-2", "text/plain"), "x").status()).isEqualTo(404);

        assertThat(post(sink, binary("sink-3", "text/plain"), "fine").status()).isEqualTo(202);
        List<Message> messages = fixture.sqsClient.receiveMessage(r -> r.queueUrl(fixture.queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(1)).join().messages();
        assertThat(messages).extracting(Message::body).containsExactly("fine");
    }

    @Test
    void theRuntimesOwnPathsAnswerProblemDetailsToo() {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (String request : List.of("POST /-/pingsources/hourly", "POST /-/pingsources/nightly",
                "GET /-/pingsources/hourly", "GET /-/health", "POST /-/health", "GET /")) {
            String[] parts = request.split(" ");
            statuses.put(request, exchange(parts[0], parts[1], Map.of(), "").status());
        }
        assertThat(statuses).containsExactly(Map.entry("POST /-/pingsources/hourly", 202),
                Map.entry("POST /-/pingsources/nightly", 404), Map.entry("GET /-/pingsources/hourly", 405),
                Map.entry("GET /-/health", 200), Map.entry("POST /-/health", 405), Map.entry("GET /", 404));
    }

    @Test
    void anEventShorterThanItsContentLengthGets408() {
        byte[] request = RawHttp.request("POST", fixture.brokerPath(), with(binary("short-1", "application/json"),
                "Content-Length", "100"), "{\"a\":".getBytes(StandardCharsets.UTF_8));
        // Without Connection: close the server cannot take the short body for the whole request.
        String head = new String(request, StandardCharsets.ISO_8859_1).replace("Connection: close\r\n", "");
        RawHttp.Answer answer = RawHttp.exchange(fixture.ingress.port(), head.getBytes(StandardCharsets.ISO_8859_1), ANSWER);
        assertThat(answer.status()).isEqualTo(408);
        ProblemOracle.check(answer.status(), answer.contentType(), answer.body());
        assertThat(fixture.awaitDelivered("short-1", Duration.ofSeconds(2))).isEmpty();
    }

    private static Map<String, String> binary(String id, String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce-specversion", "1.0");
        headers.put("ce-id", id);
        headers.put("ce-type", "com.example.test");
        headers.put("ce-source", "/test");
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        return headers;
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>(headers);
        changed.put(name, value);
        return changed;
    }

    private static Map<String, String> without(Map<String, String> headers, String name) {
        Map<String, String> changed = new LinkedHashMap<>(headers);
        changed.remove(name);
        return changed;
    }

    private static RawHttp.Answer structured(String json) {
        return post(fixture.brokerPath(), Map.of("Content-Type", "application/cloudevents+json"), json);
    }

    private static RawHttp.Answer post(String target, Map<String, String> headers, String body) {
        return exchange("POST", target, headers, body);
    }

    /** One request over a raw socket; every answer is held to the oracle. */
    static RawHttp.Answer exchange(String method, String target, Map<String, String> headers, String body) {
        RawHttp.Answer answer = RawHttp.exchange(fixture.ingress.port(),
                RawHttp.request(method, target, headers, body.getBytes(StandardCharsets.UTF_8)), ANSWER);
        ProblemOracle.check(answer.status(), answer.contentType(), answer.body());
        return answer;
    }
}
