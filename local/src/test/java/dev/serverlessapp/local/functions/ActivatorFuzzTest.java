package dev.serverlessapp.local.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.http.DoorOracle;
import dev.serverlessapp.local.http.FrontDoor;
import dev.serverlessapp.local.http.HostileHttp;
import dev.serverlessapp.local.http.RawHttp;
import dev.serverlessapp.local.http.ShortTimeouts;
import dev.serverlessapp.testing.fuzz.Fuzz;
import dev.serverlessapp.testing.fuzz.Hostile;
import dev.serverlessapp.testing.fuzz.KeptAliveFuzz;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Generated requests against the activator over raw sockets: any method, request target, headers and
 * body. The invariant: an answer in time, no 5xx, a problem detail on every 4xx, and nothing reaching
 * anything but the function, which gets the target as sent and the client's real address.
 */
class ActivatorFuzzTest {

    private static final Duration ANSWER = Duration.ofSeconds(30);

    private static RecordingServer function;
    private static RecordingServer canary;
    private static Activator activator;

    @BeforeAll
    static void start() {
        function = new RecordingServer();
        canary = new RecordingServer();
        activator = new Activator(ActivatorTest.upstream(Mono.fromSupplier(function::port)), HttpClient.create(),
                FrontDoor.LOOPBACK, 0, ShortTimeouts.TIMEOUTS);
    }

    @AfterAll
    static void stop() {
        activator.close();
        function.close();
        canary.close();
    }

    @Test
    void whateverASocketSendsTheActivatorAnswersAndReachesOnlyItsFunction() {
        Fuzz.run("activator", 300, 20_000, (random, index) -> {
            String method = HostileHttp.method(random);
            String target = HostileHttp.target(random, "/users", canary.port());
            // First, so that a generated header that ends the head early (a CRLF in a value) leaves it in place.
            Map<String, String> headers = new LinkedHashMap<>(Map.of("X-Fuzz-Case", Integer.toString(index)));
            headers.putAll(headers(random));
            byte[] body = body(random);
            if (random.nextInt(200) == 0) {
                // A body shorter than announced: answered 408 after the read timeout.
                headers.put("Content-Length", Integer.toString(body.length + 1 + random.nextInt(100)));
            }
            int before = function.requests().size();

            RawHttp.Answer answer = RawHttp.exchange(activator.port(), RawHttp.request(method, target, headers, body), ANSWER);

            DoorOracle.check(method, answer);
            assertThat(canary.requests()).as("requests that reached another port").isEmpty();
            List<RecordingServer.Request> reached = function.requests().subList(before, function.requests().size());
            if (answer.status() == 200) {
                assertThat(reached).singleElement().satisfies(request -> {
                    // A generated line that starts with a space continues the header before it (obs-fold).
                    assertThat(request.header("x-fuzz-case")).singleElement()
                            .satisfies(value -> assertThat(value.split("[ \t]")[0]).isEqualTo(Integer.toString(index)));
                    assertThat(request.target()).isEqualTo(requestLineTarget(target)).startsWith("/");
                    assertThat(request.header("x-forwarded-for")).containsExactly("127.0.0.1");
                    assertThat(request.headers()).doesNotContainKeys("forwarded", "x-real-ip");
                });
            } else {
                assertThat(reached).as("requests that reached the function for a " + answer.status()).isEmpty();
            }
        });
    }

    // guards the kept-alive findings in the functions (reactor-netty#4361, and a refusal that the request
    // before it swallowed): the activator runs the same server, and its client keeps connections to the function
    @Test
    void requestsOnKeptAliveConnectionsAreEachAnsweredInOrder() {
        KeptAliveFuzz.Probe probe = new KeptAliveFuzz.Probe(
                "GET /users HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 200);
        Map<Integer, Integer> statuses = KeptAliveFuzz.run("activator kept-alive connections", 60, 2_000,
                activator.port(), probe, ActivatorFuzzTest::keptAliveRequest, answer -> { });
        // Both kinds ran: answers from the function, and refusals at the door.
        assertThat(statuses).containsKey(200).containsKey(400);
        assertThat(canary.requests()).as("requests that reached another port").isEmpty();
    }

    /**
     * The target as the request line's parser reads it: RFC 9112 section 3 lets a recipient take any of SP, HTAB,
     * VT, FF and a bare CR for the separator and ignore whitespace before the target, as Netty does.
     */
    static String requestLineTarget(String target) {
        return target.replaceFirst("^[ \\t\\x0B\\f\\r]+", "").split("[ \\t\\x0B\\f\\r]")[0];
    }

    /** A request for the function or a hostile one, well framed for a kept-alive connection. */
    private static byte[] keptAliveRequest(Random random) {
        String method = HostileHttp.method(random);
        String target = random.nextInt(4) == 0 ? HostileHttp.target(random, "/users", canary.port()) : "/users";
        byte[] body = body(random);
        List<String> headers = new ArrayList<>(List.of("Host: localhost", "Content-Length: " + body.length));
        headers(random).forEach((name, value) -> headers.add((name + ": " + value).replaceAll("[\r\n]", " ")));
        return dev.serverlessapp.testing.fuzz.RawHttp.request(method, target.replaceAll("[\r\n]", " "), headers, body);
    }

    private static Map<String, String> headers(Random random) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            headers.put(HostileHttp.headerName(random), HostileHttp.headerValue(random));
        }
        return headers;
    }

    private static byte[] body(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> Hostile.utf8(Hostile.json(random, 3));
            case 1 -> Hostile.bytes(random, 4096);
            default -> new byte[0];
        };
    }
}
