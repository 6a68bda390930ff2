package dev.serverlessapp.local.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.http.FrontDoor;
import dev.serverlessapp.local.http.RawHttp;
import dev.serverlessapp.local.http.ShortTimeouts;
import dev.serverlessapp.testing.fuzz.ProblemOracle;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The activator as the local edge, over real sockets: a recording server plays the function, and a
 * second one, the "canary", plays every other local port, which no request may reach. A stopped
 * activator is gone for its clients too: it does not go on answering on connections they kept.
 */
class ActivatorTest {

    private static final FrontDoor.Timeouts TIMEOUTS = ShortTimeouts.TIMEOUTS;
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private static RecordingServer function;
    private static RecordingServer canary;
    private static Activator activator;
    private static final AtomicInteger inFlight = new AtomicInteger();

    @BeforeAll
    static void start() {
        function = new RecordingServer();
        canary = new RecordingServer();
        activator = new Activator(upstream(Mono.fromSupplier(function::port)), HttpClient.create(), FrontDoor.LOOPBACK, 0,
                TIMEOUTS);
    }

    @AfterAll
    static void stop() {
        activator.close();
        function.close();
        canary.close();
    }

    @BeforeEach
    void clear() {
        function.clear();
        canary.clear();
    }

    static Upstream upstream(Mono<Integer> port) {
        return new Upstream() {
            @Override
            public String name() {
                return "test-function";
            }

            @Override
            public Mono<Integer> port() {
                return port;
            }

            @Override
            public void begin() {
                inFlight.incrementAndGet();
            }

            @Override
            public void end() {
                inFlight.decrementAndGet();
            }
        };
    }

    @Test
    void targetsThatNameAnotherHostOrPortAreRefusedAndReachNothing() {
        int other = canary.port();
        Map<String, String> targets = new LinkedHashMap<>();
        // The reported one: appended to "http://127.0.0.1:<port>" it made the host "127.0.0.1:<port>.localhost".
        targets.put(".localhost:" + other + "/", "GET");
        targets.put("http://127.0.0.1:" + other + "/users", "GET");
        targets.put("http://no-such-host.invalid/users", "GET");
        targets.put("127.0.0.1:" + other, "CONNECT");
        targets.put("*", "OPTIONS");
        targets.put("@127.0.0.1:" + other + "/", "GET");
        targets.forEach((target, method) -> {
            RawHttp.Answer answer = RawHttp.exchange(activator.port(), RawHttp.request(method, target, Map.of(), new byte[0]), ANSWER);
            assertThat(answer.status()).as(method + " " + target).isEqualTo(400);
            ProblemOracle.check(answer.status(), answer.contentType(), answer.body());
        });
        assertThat(canary.requests()).isEmpty();
        assertThat(function.requests()).isEmpty();
    }

    @Test
    void aConnectIsRefusedAndLeavesTheConnectionsToTheFunctionUsable() {
        for (String target : List.of("/users", "//127.0.0.1:" + canary.port() + "/")) {
            RawHttp.Answer answer = RawHttp.exchange(activator.port(), RawHttp.request("CONNECT", target, Map.of(), new byte[0]), ANSWER);
            assertThat(answer.status()).isEqualTo(400);
            ProblemOracle.check(answer.status(), answer.contentType(), answer.body());
        }
        // Found by the fuzz suite: a CONNECT the function answered 200 made its pooled connection a
        // tunnel, and a later request on it hung.
        for (int i = 0; i < 8; i++) {
            assertThat(RawHttp.exchange(activator.port(), RawHttp.request("GET", "/users", Map.of(), new byte[0]), ANSWER)
                    .status()).isEqualTo(200);
        }
        assertThat(function.requests()).extracting(RecordingServer.Request::method).containsOnly("GET");
    }

    @Test
    void anOriginFormTargetReachesTheFunctionAsSent() {
        List<String> targets = List.of("/users?limit=1&x=%20", "//127.0.0.1:" + canary.port() + "/users", "/a%2F..%2Fb", "/");
        for (String target : targets) {
            RawHttp.Answer answer = RawHttp.exchange(activator.port(), RawHttp.request("GET", target, Map.of(), new byte[0]), ANSWER);
            assertThat(answer.status()).as(target).isEqualTo(200);
        }
        assertThat(function.requests()).extracting(RecordingServer.Request::target).containsExactlyElementsOf(targets);
        assertThat(canary.requests()).isEmpty();
    }

    @Test
    void theFunctionSeesTheClientsRealAddressNotTheForwardingHeadersItSent() {
        Map<String, String> spoofed = new LinkedHashMap<>();
        spoofed.put("X-Forwarded-For", "203.0.113.7");
        spoofed.put("Forwarded", "for=203.0.113.8;proto=https");
        spoofed.put("X-Real-IP", "203.0.113.9");
        spoofed.put("X-Forwarded-Host", "evil.example");
        spoofed.put("X-Forwarded-Proto", "https");
        spoofed.put("Connection", "close, X-Secret");
        spoofed.put("X-Secret", "for this hop only");
        spoofed.put("X-Kept", "end to end");
        RawHttp.Answer answer = RawHttp.exchange("127.0.0.9", activator.port(),
                RawHttp.request("POST", "/users", spoofed, "{}".getBytes(StandardCharsets.UTF_8)), ANSWER);

        assertThat(answer.status()).isEqualTo(200);
        RecordingServer.Request got = function.requests().getFirst();
        assertThat(got.header("x-forwarded-for")).containsExactly("127.0.0.9");
        assertThat(got.header("x-forwarded-proto")).containsExactly("http");
        assertThat(got.headers()).doesNotContainKeys("forwarded", "x-real-ip", "x-forwarded-host", "x-secret");
        assertThat(got.header("x-kept")).containsExactly("end to end");
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    @Test
    void aBodyShorterThanItsContentLengthGets408AndNeverReachesTheFunction() throws IOException {
        try (Socket socket = connect()) {
            write(socket, "POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"name\"");
            RawHttp.Answer answer = readAnswer(socket);
            assertThat(answer.status()).isEqualTo(408);
            ProblemOracle.check(answer.status(), answer.contentType(), answer.body());
            assertThat(answer.headers()).containsEntry("connection", "close");
        }
        assertThat(function.requests()).isEmpty();
    }

    @Test
    void headersThatTrickleInForeverGet408() throws Exception {
        try (Socket socket = connect()) {
            write(socket, "POST /users HTTP/1.1\r\nHost: x\r\n");
            Thread dripping = drip(socket, "X-Slow: loris\r\n");
            RawHttp.Answer answer = readAnswer(socket);
            dripping.interrupt();
            assertThat(answer.status()).isEqualTo(408);
            ProblemOracle.check(answer.status(), answer.contentType(), answer.body());
        }
        assertThat(function.requests()).isEmpty();
    }

    @Test
    void loneLineBreaksDoNotHoldAConnectionOpen() throws Exception {
        try (Socket socket = connect()) {
            Thread dripping = drip(socket, "\r\n");
            RawHttp.Answer answer = readAnswer(socket);
            dripping.interrupt();
            // Bytes came but no request: the door says why it closes, as for a partial request.
            assertThat(answer.status()).isEqualTo(408);
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws IOException {
        try (Socket socket = connect()) {
            assertThat(readAnswer(socket).closedWithoutAnswer()).isTrue();
        }
    }

    @Test
    void aBodyOverTheLimitGets413WithoutReachingTheFunction() {
        RawHttp.Answer answer = RawHttp.exchange(activator.port(), RawHttp.request("POST", "/users",
                Map.of("Content-Length", Integer.toString(Activator.MAX_BODY + 1)), new byte[0]), ANSWER);
        assertThat(answer.status()).isEqualTo(413);
        ProblemOracle.check(answer.status(), answer.contentType(), answer.body());

        byte[] chunked = ("POST /users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + ("100000\r\n" + "x".repeat(0x100000) + "\r\n").repeat(11)).getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Answer streamed = RawHttp.exchange(activator.port(), chunked, ANSWER);
        assertThat(streamed.status()).isEqualTo(413);
        assertThat(function.requests()).isEmpty();
    }

    @Test
    void aBodyThatDoesNotDecodeIsRefusedAndNeverReachesTheFunction() {
        // Found by the fuzz suite: Netty answered 400 for the broken chunk, and the activator forwarded
        // the request with what it had read of the body all the same.
        for (String body : List.of("not a chunk size\r\n", "5\nhello\n0\n\n", "ZZ\r\nxx\r\n0\r\n\r\n")) {
            RawHttp.Answer answer = RawHttp.exchange(activator.port(), RawHttp.request("POST", "/users",
                    Map.of("Transfer-Encoding", "chunked"), body.getBytes(StandardCharsets.ISO_8859_1)), ANSWER);
            assertThat(answer.status()).as(body).isEqualTo(400);
            ProblemOracle.check(answer.status(), answer.contentType(), answer.body());
        }
        // A later request shows whether any of them was forwarded meanwhile.
        RawHttp.exchange(activator.port(), RawHttp.request("GET", "/after", Map.of(), new byte[0]), ANSWER);
        assertThat(function.requests()).extracting(RecordingServer.Request::target).containsExactly("/after");
    }

    @Test
    void whatNettyRefusesOnItsOwnIsAProblemDetailToo() {
        List<byte[]> requests = List.of(
                RawHttp.request("GET", "/" + "a".repeat(9000), Map.of(), new byte[0]),
                RawHttp.request("GET", "/", Map.of("X-Big", "b".repeat(20_000)), new byte[0]),
                "GET / HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab".getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] request : requests) {
            RawHttp.Answer answer = RawHttp.exchange(activator.port(), request, ANSWER);
            assertThat(answer.status()).isBetween(400, 499);
            ProblemOracle.check(answer.status(), answer.contentType(), answer.body());
        }
        assertThat(function.requests()).isEmpty();
    }

    @Test
    void aFunctionThatCannotStartGets503ProblemDetail() {
        try (Activator failing = new Activator(upstream(Mono.error(new IllegalStateException("exited with code 1"))),
                HttpClient.create(), FrontDoor.LOOPBACK, 0, TIMEOUTS)) {
            RawHttp.Answer answer = RawHttp.exchange(failing.port(), RawHttp.request("GET", "/", Map.of(), new byte[0]), ANSWER);
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.body()).contains("exited with code 1");
        }
    }

    @Test
    void closingDropsTheConnectionsClientsKeptOpen() throws IOException {
        // Timeouts far longer than the test: only the stop can end the kept connection.
        FrontDoor.Timeouts patient = new FrontDoor.Timeouts(Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMinutes(10));
        Activator stopping = new Activator(upstream(Mono.fromSupplier(function::port)), HttpClient.create(), FrontDoor.LOOPBACK,
                0, patient);
        try (Socket kept = new Socket()) {
            kept.connect(new InetSocketAddress("127.0.0.1", stopping.port()), 5000);
            kept.setSoTimeout((int) ANSWER.toMillis());
            // One answered request: the activator holds the connection, kept alive for the next one.
            write(kept, "GET /users HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readOneAnswer(kept)).startsWith("HTTP/1.1 200").endsWith("from the function");

            stopping.close();

            assertThat(kept.getInputStream().read()).as("what the kept connection reads after the stop: -1 is its end")
                    .isEqualTo(-1);
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", activator.port()), 5000);
        socket.setSoTimeout((int) ANSWER.toMillis());
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Sends {@code piece} every 200 ms, more often than any timeout, until the server closes the connection. */
    private static Thread drip(Socket socket, String piece) {
        return Thread.ofVirtual().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    write(socket, piece);
                    Thread.sleep(200);
                }
            } catch (IOException | InterruptedException e) {
                // closed by the server, or the test is done
            }
        });
    }

    /** Reads one answer with a Content-Length from a connection that stays open. */
    private static String readOneAnswer(Socket socket) throws IOException {
        var in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the middle of an answer: " + head);
            }
            head.append((char) b);
        }
        int length = head.toString().lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Reads what the server answers on an open socket, until it closes it. */
    static RawHttp.Answer readAnswer(Socket socket) throws IOException {
        byte[] all = socket.getInputStream().readAllBytes();
        if (all.length == 0) {
            return new RawHttp.Answer(0, Map.of(), "");
        }
        String text = new String(all, StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, headEnd).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        return new RawHttp.Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(headEnd + 4));
    }
}
