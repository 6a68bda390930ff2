package dev.serverlessapp.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.testing.TokenIssuer;
import dev.serverlessapp.testing.fuzz.Fuzz;
import dev.serverlessapp.testing.fuzz.Hostile;
import dev.serverlessapp.testing.fuzz.KeptAliveFuzz;
import dev.serverlessapp.testing.fuzz.RawHttp;
import dev.serverlessapp.testing.fuzz.ServerErrors;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generated requests against user-api over real sockets, on dynalite and ElasticMQ: bodies, content
 * types, Accept and other headers, paths, methods, tokens and Idempotency-Keys, valid and hostile mixed.
 * The oracle is an invariant, not a list of answers: no 5xx, an answer within {@link #TIMEOUT}, a problem
 * detail on every 4xx, and no side effect of a refused request: at the end, the users in the table and
 * the welcomes on the queue are exactly those of the sign-ups answered 201.
 *
 * <p>CI runs the small size; {@code -Dfuzz.scale=large} sends 20 000 requests. Each case comes from its own
 * X-Forwarded-For address (loopback, where the test connects from, is a trusted proxy) and, with a
 * token, its own subject, so the per-client limit answers 429 only where a case fuzzes that header.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "app.request.body-timeout=PT1S")
class UserApiFuzzTest {

    static final String TABLE = "fuzz-" + UUID.randomUUID();
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int SMALL = 600;
    static final int LARGE = 20_000;
    static String queueUrl;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        queueUrl = UserApiScenarios.provision(LocalBackends.shared(), TABLE, registry);
        LocalIssuer.trust(registry);
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    /** Whatever the case sent, the function itself counted no 5xx either (guards user-api, seed 20261205). */
    @AfterEach
    void noServerErrorCounted() {
        assertThat(ServerErrors.counted(managementPort)).as("requests the function counted as 5xx").isZero();
    }

    @Autowired
    JsonMapper json;

    final TokenIssuer issuer = TokenIssuer.shared();
    /** Users answered 201 to either test, by id: the only ones their shared table and queue may hold. */
    static final Map<String, String> created = new ConcurrentHashMap<>();
    static final List<String> createdInOrder = new ArrayList<>();
    final Map<Integer, Integer> statuses = new TreeMap<>();

    @Test
    void everyRequestIsAnsweredWithoutA5xxAndRefusalsLeaveNothingBehind() {
        long started = System.nanoTime();
        Fuzz.run("user-api HTTP fuzz", SMALL, LARGE, this::oneRequest);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(storedUsers()).as("users in the table").isEqualTo(created);
        assertThat(queuedWelcomes()).as("welcomes on the queue").containsExactlyInAnyOrderElementsOf(created.keySet());
        int requests = statuses.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("user-api fuzz: %d requests (seed %d) in %d s, 0 x 5xx, 0 hangs; statuses %s; %d users created%n",
                requests, Fuzz.seed(), took.toSeconds(), statuses, created.size());
    }

    // guards the CI finding: a sign-up on a kept-alive connection hung after a 401 answered at once
    // (reactor-netty#4361, fixed in 1.3.8)
    @Test
    void requestsOnKeptAliveConnectionsAreEachAnsweredInOrder() {
        Map<Integer, Integer> kept = KeptAliveFuzz.run("user-api kept-alive connections", 80, 3000, port,
                this::keptAliveRequest, this::recordCreated);
        // Both kinds ran: answers given at once, before the body is read, and answers after the backends.
        assertThat(kept).containsKeys(201, 401, 405, 415);
        assertThat(storedUsers()).as("users in the table").isEqualTo(created);
    }

    /**
     * A well-framed request for a kept-alive connection: a sign-up or a read, often refused at once; its body
     * sent whole, in chunks, or after {@code Expect: 100-continue} (or an expectation nobody meets); its header
     * values on one line each.
     */
    byte[] keptAliveRequest(Random random) {
        int index = 1_000_000 + random.nextInt(1_000_000);
        Request request = random.nextInt(3) == 0 ? Request.read(random, this) : Request.signUp(index);
        request.header("X-Forwarded-For", "10.200." + (index >> 8 & 0xFF) + "." + (index & 0xFF));
        switch (random.nextInt(7)) {
            case 0 -> request.header("Authorization", Request.authorization(random, this));
            case 1 -> request.method = Hostile.oneOf(random, List.of("GET", "DELETE", "HEAD", "OPTIONS", "PUT"));
            case 2 -> request.header("Content-Type", Request.contentType(random));
            case 3 -> request.target = Hostile.oneOf(random, List.of("/users/" + UUID.randomUUID(), "/readyz", "/nowhere"));
            case 4 -> request.framing = Hostile.oneOf(random, List.of("chunked", "expect"));
            default -> {
                // as generated
            }
        }
        // Each header on one line: a hostile value with a CR LF in it would end the header section there.
        request.headers.replaceAll((name, values) -> values.stream().map(value -> value.replaceAll("[\r\n]", " ")).toList());
        return request.bytes(random, false);
    }

    void oneRequest(Random random, int index) throws Exception {
        Request request = Request.generate(random, index, this);
        RawHttp.Response answer = RawHttp.exchange(port, request.bytes(random, true), TIMEOUT);
        synchronized (statuses) {
            statuses.merge(answer.status(), 1, Integer::sum);
        }
        if (request.method.equals("HEAD")) {
            // An answer to HEAD has no body, problem detail or not.
            assertThat(answer.status()).as("status").isLessThan(500);
        } else {
            answer.checkProblemOracle();
        }
        recordCreated(answer);
    }

    void recordCreated(RawHttp.Response answer) {
        if (answer.status() == 201) {
            JsonNode user = json.readTree(answer.body()).get("user");
            String id = user.get("id").asString();
            if (created.put(id, user.get("email").asString()) == null) {
                synchronized (createdInOrder) {
                    createdInOrder.add(id);
                }
            }
        }
    }

    /**
     * One generated request: a valid sign-up or read, then none to three mutations, each of one part (method,
     * path, body, a header, the framing) made hostile. A quarter of the cases go through untouched, so that
     * the deep paths (stores, the queue, idempotent replays) are exercised along with the refusals.
     */
    static final class Request {
        String method = "POST";
        String target = "/users";
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        byte[] body;
        String framing = "length";

        static Request generate(Random random, int index, UserApiFuzzTest suite) {
            Request request = random.nextInt(4) == 0 ? read(random, suite) : signUp(index);
            request.header("X-Forwarded-For", "10." + (index >> 16 & 0xFF) + "." + (index >> 8 & 0xFF) + "." + (index & 0xFF));
            int mutations = random.nextInt(4);
            for (int i = 0; i < mutations; i++) {
                request.mutate(random, index, suite);
            }
            return request;
        }

        static Request signUp(int index) {
            Request request = new Request();
            request.header("Content-Type", "application/json");
            request.body = ("{\"name\":\"Ada " + index + "\",\"email\":\"fuzz-" + index + "@example.com\"}")
                    .getBytes(StandardCharsets.UTF_8);
            return request;
        }

        static Request read(Random random, UserApiFuzzTest suite) {
            Request request = new Request();
            request.method = "GET";
            String id = suite.anyCreatedId(random);
            request.target = "/users/" + id;
            request.header("Authorization", "Bearer " + (random.nextBoolean()
                    ? suite.issuer.token(id) : suite.issuer.token("reader-" + UUID.randomUUID(), "users:read")));
            request.body = new byte[0];
            return request;
        }

        void header(String name, String... values) {
            headers.put(name, List.of(values));
        }

        void mutate(Random random, int index, UserApiFuzzTest suite) {
            switch (random.nextInt(11)) {
                case 0 -> method = Hostile.oneOf(random, List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
                        "TRACE", "CONNECT", "get", "post", "FOO", "P0ST", "GET GET", "G\u00e9T", "\u0000", ""));
                case 1 -> target = target(random, suite);
                case 2 -> body = body(random, index);
                case 3 -> {
                    if (random.nextInt(5) == 0) {
                        headers.remove("Content-Type");
                    } else {
                        header("Content-Type", contentType(random));
                    }
                }
                case 4 -> header("Accept", Hostile.oneOf(random, List.of("application/json", "application/problem+json",
                        "*/*", "text/html", "application/", ";;;", "application/xml;q=x", Hostile.text(random, 20))));
                case 5 -> header("Authorization", authorization(random, suite));
                case 6 -> idempotencyKey(random, index);
                case 7 -> oddHeader(random);
                case 8 -> framing = Hostile.oneOf(random, List.of("chunked", "chunked", "bad-chunks", "expect", "cut"));
                case 9 -> header("X-Forwarded-For", Hostile.oneOf(random, List.of(Hostile.text(random, 30),
                        "127.0.0.1", "::1", "1.2.3.4, 5.6.7.8", "999.1.1.1", "unknown", "")));
                default -> header("Host", Hostile.oneOf(random, List.of("", "a b", "evil.example:1", "localhost:99999",
                        Hostile.text(random, 20))));
            }
        }

        static String target(Random random, UserApiFuzzTest suite) {
            return switch (random.nextInt(6)) {
                case 0 -> "/users/" + UUID.randomUUID();
                case 1 -> Hostile.almostValid(random, "/users/" + suite.anyCreatedId(random));
                case 2 -> Hostile.oneOf(random, List.of("/users/../users", "/users/%00", "/users/%ZZ", "/users%2F",
                        "/users/%2e%2e/", "/users\\x", "/users;x", "//users", "/users/" + "a".repeat(5000),
                        "/readyz", "/livez", "/actuator/health", "/", "*", "http://evil.example/users",
                        "/users?x=%%%", "/users#frag", "/users/\u00e9", "/users/a b", "/users/"));
                case 3 -> "/users" + Hostile.text(random, 30);
                case 4 -> "/users?" + Hostile.text(random, 30);
                default -> "/" + Hostile.text(random, 60);
            };
        }

        /** A sign-up with hostile fields most of the time; otherwise any JSON, bytes, or too much of it. */
        static byte[] body(Random random, int index) {
            String email = "fuzz-" + index + "@example.com";
            String body = switch (random.nextInt(8)) {
                case 0, 1 -> "{\"name\":" + Hostile.quote(Hostile.almostValid(random, "Ada Lovelace"))
                        + ",\"email\":" + Hostile.quote(Hostile.almostValid(random, email)) + "}";
                case 2 -> "{\"name\":" + Hostile.quote(Hostile.text(random, 250)) + ",\"email\":"
                        + Hostile.quote(email) + "}";
                case 3 -> "{\"name\":" + Hostile.json(random, 2) + ",\"email\":" + Hostile.json(random, 1) + "}";
                case 4 -> Hostile.json(random, 3);
                case 5 -> "{\"name\":\"Ada\",\"email\":\"" + email + "\",\"padding\":\""
                        + "x".repeat(Hostile.around(random, UserRoutes.MAX_BODY_BYTES)) + "\"}";
                case 6 -> "";
                default -> null;
            };
            return body == null ? Hostile.bytes(random, 64) : body.getBytes(StandardCharsets.UTF_8);
        }

        static String contentType(Random random) {
            return Hostile.oneOf(random, List.of("application/json; charset=utf-8", "Application/JSON",
                    "application/json; charset=bogus", "application/", "application/json, text/plain", "text/plain",
                    "*/*", "application/*", "application/problem+json", "multipart/form-data; boundary=x",
                    "application/x-www-form-urlencoded", "application/json; charset=\"utf-8", Hostile.text(random, 30)));
        }

        static String authorization(Random random, UserApiFuzzTest suite) {
            String subject = "fuzz-" + UUID.randomUUID();
            return switch (random.nextInt(10)) {
                case 0 -> "Bearer " + suite.issuer.token(subject, "users:read");
                case 1 -> "Bearer " + suite.issuer.token(suite.anyCreatedId(random));
                case 2 -> "Bearer " + suite.issuer.token(subject);
                case 3 -> "Bearer " + suite.issuer.expiredToken(subject);
                case 4 -> "Bearer " + suite.issuer.tokenWithUnknownKeyId(subject);
                case 5 -> "Bearer " + suite.issuer.tokenFor("another-api", subject);
                case 6 -> "Bearer " + Hostile.truncate(random, suite.issuer.token(subject));
                case 7 -> "Bearer " + Hostile.text(random, 80);
                case 8 -> Hostile.oneOf(random, List.of("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer x.y.z",
                        "Bearer a.b.c", "Bearer " + "a".repeat(7000), "Negotiate x"));
                default -> Hostile.text(random, 40);
            };
        }

        /** Valid keys (shared by two neighbouring cases: a replay or a reuse with another body) or hostile ones. */
        void idempotencyKey(Random random, int index) {
            switch (random.nextInt(6)) {
                case 0, 1 -> header("Idempotency-Key", "key-" + index / 2);
                case 2 -> header("Idempotency-Key", Hostile.text(random, 40));
                case 3 -> header("Idempotency-Key",
                        "k".repeat(Hostile.around(random, UserRoutes.MAX_IDEMPOTENCY_KEY_LENGTH)));
                case 4 -> header("Idempotency-Key", "a", "b");
                default -> header("Idempotency-Key", Hostile.oneOf(random, List.of("", " ", "caf\u00e9", "a\u0085b")));
            }
        }

        void oddHeader(Random random) {
            switch (random.nextInt(5)) {
                case 0 -> header(Hostile.text(random, 12), Hostile.text(random, 40));
                case 1 -> header("X-Long", "a".repeat(Hostile.around(random, 8192)));
                case 2 -> {
                    for (int i = 0; i < 50 + random.nextInt(800); i++) {
                        header("X-Many-" + i, "v");
                    }
                }
                case 3 -> header("Cookie", Hostile.text(random, 60));
                default -> header("Content-Length", Hostile.oneOf(random, List.of("-1", "x", "99999999999", "1, 2")));
            }
        }

        byte[] bytes(Random random, boolean close) {
            List<String> lines = new ArrayList<>();
            if (!headers.containsKey("Host")) {
                lines.add("Host: localhost");
            }
            headers.forEach((name, values) -> values.forEach(value -> lines.add(name + ": " + value)));
            byte[] payload = body;
            switch (framing) {
                case "chunked", "bad-chunks" -> {
                    lines.add("Transfer-Encoding: chunked");
                    payload = chunked(random, body, framing.equals("bad-chunks"));
                }
                case "cut" -> lines.add("Content-Length: " + (body.length + 1 + random.nextInt(100)));
                case "expect" -> {
                    lines.add("Expect: " + Hostile.oneOf(random, List.of("100-continue", "bogus")));
                    lines.add("Content-Length: " + body.length);
                }
                default -> lines.add("Content-Length: " + body.length);
            }
            if (close) {
                lines.add("Connection: close");
            }
            return RawHttp.request(method, target, lines, payload);
        }

        static byte[] chunked(Random random, byte[] body, boolean bad) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at < body.length) {
                int size = Math.min(body.length - at, 1 + random.nextInt(64));
                String head = bad && random.nextInt(3) == 0
                        ? Hostile.oneOf(random, List.of("zz", "-1", "", "ffffffffffffffff"))
                        : Integer.toHexString(size);
                out.writeBytes((head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, at, size);
                out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                at += size;
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return out.toByteArray();
        }
    }

    /** A user answered 201 so far, picked by the case's random source; a made-up id before the first. */
    String anyCreatedId(Random random) {
        synchronized (createdInOrder) {
            return createdInOrder.isEmpty() ? UUID.randomUUID().toString()
                    : createdInOrder.get(random.nextInt(createdInOrder.size()));
        }
    }

    /** Every user in the table, by id (test-only scan: the API itself never scans). */
    Map<String, String> storedUsers() {
        Map<String, String> users = new TreeMap<>();
        LocalBackends.shared().clients().dynamo().scanPaginator(scan -> scan.tableName(TABLE).consistentRead(true)
                        .filterExpression("sk = :profile")
                        .expressionAttributeValues(Map.of(":profile", AttributeValue.fromS("PROFILE"))))
                .items().forEach(item -> users.put(item.get("id").s(), item.get("email").s()));
        return users;
    }

    /** The user ids of every welcome on the queue, drained. */
    List<String> queuedWelcomes() {
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (true) {
            List<Message> batch = LocalBackends.shared().clients().sqs().receiveMessage(r -> r.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(1).visibilityTimeout(300)).messages();
            if (batch.isEmpty()) {
                return ids;
            }
            for (Message message : batch) {
                if (seen.add(message.messageId())) {
                    ids.add(json.readTree(message.body()).get("userId").asString());
                }
            }
        }
    }
}
