package dev.serverlessapp.support.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.testing.fuzz.ProblemOracle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every way a request can fail to be one CloudEvent answers a 4xx problem detail and never reaches the
 * function: Knative dead-letters a 4xx at once, where a 5xx would be delivered six times first (issue 11).
 * Sent over a real socket with java.net.http, byte for byte as written here.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MalformedEventTest {

    static final String STRUCTURED = "application/cloudevents+json";
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "malformed");
    }

    @LocalServerPort
    int port;

    @BeforeEach
    void resetCalls() {
        EchoFunctionApp.calls.set(0);
    }

    /** A request: its headers (name, value, name, value…) and its body. */
    record Sent(List<String> headers, byte[] body) {
        static Sent structured(String json) {
            return new Sent(List.of("Content-Type", STRUCTURED), json.getBytes(StandardCharsets.UTF_8));
        }

        /** Binary mode: a valid event's ce-* headers with {@code changes} applied (a null value drops it). */
        static Sent binary(String... changes) {
            List<String> headers = new ArrayList<>(List.of("ce-specversion", "1.0", "ce-id", "id-1",
                    "ce-source", "/test", "ce-type", "test.echo", "Content-Type", "application/json"));
            for (int i = 0; i < changes.length; i += 2) {
                int at = headers.indexOf(changes[i]);
                if (at >= 0) {
                    headers.remove(at);
                    headers.remove(at);
                }
                if (changes[i + 1] != null) {
                    headers.add(changes[i]);
                    headers.add(changes[i + 1]);
                }
            }
            return new Sent(headers, "{}".getBytes(StandardCharsets.UTF_8));
        }

        Sent withBody(byte[] bytes) {
            return new Sent(headers, bytes);
        }
    }

    static String event(String members) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/test\",\"type\":\"test.echo\""
                + (members.isEmpty() ? "" : "," + members) + "}";
    }

    static Stream<Arguments> malformed() {
        byte[] tooLarge = new byte[CloudEventHttp.MAX_EVENT_BYTES + 1];
        java.util.Arrays.fill(tooLarge, (byte) 'x');
        return Stream.of(
                // Structured mode: the body does not deserialize as a CloudEvent (issue 11: these answered 500).
                Arguments.of("structured: no id", 400, Sent.structured(
                        "{\"specversion\":\"1.0\",\"source\":\"/test\",\"type\":\"test.echo\"}")),
                Arguments.of("structured: no source", 400, Sent.structured(
                        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.echo\"}")),
                Arguments.of("structured: no type", 400, Sent.structured(
                        "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/test\"}")),
                Arguments.of("structured: no specversion", 400, Sent.structured(
                        "{\"id\":\"1\",\"source\":\"/test\",\"type\":\"test.echo\"}")),
                Arguments.of("structured: specversion 9000.1", 400, Sent.structured(
                        "{\"specversion\":\"9000.1\",\"id\":\"1\",\"source\":\"/test\",\"type\":\"test.echo\"}")),
                Arguments.of("structured: numeric id", 400, Sent.structured(
                        "{\"specversion\":\"1.0\",\"id\":1,\"source\":\"/test\",\"type\":\"test.echo\"}")),
                Arguments.of("structured: truncated JSON", 400, Sent.structured(
                        "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/te")),
                Arguments.of("structured: the body null", 400, Sent.structured("null")),
                Arguments.of("structured: an array", 400, Sent.structured("[]")),
                Arguments.of("structured: a string", 400, Sent.structured("\"event\"")),
                Arguments.of("structured: empty object", 400, Sent.structured("{}")),
                Arguments.of("structured: empty body", 400, Sent.structured("")),
                Arguments.of("structured: not JSON", 400, Sent.structured("specversion=1.0")),
                Arguments.of("structured: source an object", 400, Sent.structured(
                        "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":{},\"type\":\"test.echo\"}")),
                Arguments.of("structured: time not a timestamp", 400, Sent.structured(event("\"time\":\"yesterday\""))),
                Arguments.of("structured: time a number", 400, Sent.structured(event("\"time\":5"))),
                Arguments.of("structured: datacontenttype a number", 400, Sent.structured(event("\"datacontenttype\":5"))),
                Arguments.of("structured: data_base64 not base64", 400, Sent.structured(event("\"data_base64\":\"%%%\""))),
                Arguments.of("structured: data and data_base64", 400,
                        Sent.structured(event("\"data\":{},\"data_base64\":\"AA==\""))),
                Arguments.of("structured: empty id", 400, Sent.structured(
                        "{\"specversion\":\"1.0\",\"id\":\"\",\"source\":\"/test\",\"type\":\"test.echo\"}")),
                Arguments.of("structured: a lone surrogate in the id", 400, Sent.structured(
                        "{\"specversion\":\"1.0\",\"id\":\"x\\ud800\",\"source\":\"/test\",\"type\":\"test.echo\"}")),
                Arguments.of("structured: a control character in the type", 400, Sent.structured(
                        "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/test\",\"type\":\"test\\u0000echo\"}")),
                Arguments.of("structured: attributes only in headers", 400, new Sent(List.of("Content-Type", STRUCTURED,
                        "ce-id", "1", "ce-source", "/test", "ce-type", "test.echo"), new byte[0])),
                Arguments.of("structured: over the size limit", 413,
                        Sent.structured(event("\"data\":\"" + "x".repeat(CloudEventHttp.MAX_EVENT_BYTES) + "\""))),
                // A batch or a format this door does not read.
                Arguments.of("batch mode", 415, new Sent(List.of("Content-Type", "application/cloudevents-batch+json"),
                        ("[" + event("") + "]").getBytes(StandardCharsets.UTF_8))),
                Arguments.of("structured XML", 415, new Sent(List.of("Content-Type", "application/cloudevents+xml"),
                        "<event/>".getBytes(StandardCharsets.UTF_8))),
                // Binary mode.
                Arguments.of("binary: ce-specversion 9000.1", 400, Sent.binary("ce-specversion", "9000.1")),
                Arguments.of("binary: ce-specversion empty", 400, Sent.binary("ce-specversion", "")),
                Arguments.of("binary: no ce-id", 400, Sent.binary("ce-id", null)),
                Arguments.of("binary: empty ce-id", 400, Sent.binary("ce-id", "")),
                Arguments.of("binary: no ce-source", 400, Sent.binary("ce-source", null)),
                Arguments.of("binary: no ce-type", 400, Sent.binary("ce-type", null)),
                Arguments.of("binary: ce-time not a timestamp", 400, Sent.binary("ce-time", "yesterday")),
                Arguments.of("binary: ce-source not a URI", 400, Sent.binary("ce-source", "::: not a uri")),
                Arguments.of("binary: ce-dataschema not a URI", 400, Sent.binary("ce-dataschema", "a b")),
                Arguments.of("binary: a bad extension name", 400, Sent.binary("ce-bad_name", "x")),
                Arguments.of("binary: over the size limit", 413, Sent.binary().withBody(tooLarge)),
                Arguments.of("not a CloudEvent", 400, new Sent(List.of("Content-Type", "application/json"),
                        "{}".getBytes(StandardCharsets.UTF_8))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedEventGetsAProblemDetailAndNeverReachesTheFunction(String what, int status, Sent sent) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(sent.body()));
        for (int i = 0; i < sent.headers().size(); i += 2) {
            request.header(sent.headers().get(i), sent.headers().get(i + 1));
        }

        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());

        ProblemOracle.check(response);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode problem = JsonMapper.shared().readTree(response.body());
        assertThat(problem.get("title").asString()).isEqualTo("Invalid CloudEvent");
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(EchoFunctionApp.calls).hasValue(0);
    }
}
