package dev.serverlessapp.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.testing.TokenIssuer;
import dev.serverlessapp.testing.fuzz.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Requests as an attacker writes them, sent byte for byte over a socket (java.net.http refuses to send
 * most of them): content types and Accept headers that do not parse, paths the firewall refuses, methods
 * nobody serves, request lines and header blocks over Netty's limits, hostile Idempotency-Keys. Every
 * answer is a 4xx problem detail, and a refused sign-up leaves nothing in the table.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"users.rate-limit.burst=100000", "app.request.body-timeout=PT1S"})
class HostileRequestsTest {

    static final String TABLE = "hostile-" + UUID.randomUUID();
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        UserApiScenarios.provision(LocalBackends.shared(), TABLE, registry);
        LocalIssuer.trust(registry);
    }

    @LocalServerPort
    int port;

    final String reader = "Authorization: Bearer " + TokenIssuer.shared().token("support-tool", "users:read");

    // guards the hostile-input finding: these answered 500 (InvalidMediaTypeException)
    @Test
    void contentTypeThatDoesNotParseGets415AndNothingIsStored() throws IOException {
        for (String type : List.of("application/json; charset=bogus", "application/", "application/json, text/plain",
                "application/json; x=\u0085", "*/*", "application/*", "text/plain", "json")) {
            String email = unique("type") + "@example.com";
            RawHttp.Response answer = post(List.of("Content-Type: " + type), signUp(email)).checkProblemOracle();
            assertThat(answer.status()).as(type).isEqualTo(415);
            assertThat(usersWithEmail(email)).as(type).isZero();
        }
        String email = unique("no-type") + "@example.com";
        assertThat(post(List.of(), signUp(email)).checkProblemOracle().status()).isEqualTo(415);
        assertThat(usersWithEmail(email)).isZero();
    }

    @Test
    void jsonWithACharsetParameterIsStillJson() throws IOException {
        String email = unique("charset") + "@example.com";
        assertThat(post(List.of("Content-Type: Application/JSON; charset=UTF-8"), signUp(email)).status()).isEqualTo(201);
        assertThat(usersWithEmail(email)).isEqualTo(1);
    }

    @Test
    void acceptHeadersThatCannotBeParsedOrMetNeverGive5xx() throws IOException {
        for (String accept : List.of("application/", ";;;", "text/html", "application/xml;q=x", "*/*;q=0",
                "\u00e9/\u00e9")) {
            String header = "Accept: " + accept;
            post(List.of("Content-Type: application/json", header), signUp(unique("accept") + "@example.com"))
                    .checkProblemOracle();
            send("GET", "/users/" + UUID.randomUUID(), List.of(header, reader), "").checkProblemOracle();
            send("GET", "/users/not-a-uuid", List.of(header, reader), "").checkProblemOracle();
            send("GET", "/readyz", List.of(header), "").checkProblemOracle();
            send("TRACE", "/users", List.of(header), "").checkProblemOracle();
        }
    }

    // guards the hostile-input finding: Spring Security's firewall answered a bare 400 with no body
    @Test
    void pathsTheFirewallRefusesGet400ProblemDetails() throws IOException {
        for (String path : List.of("/users/../users", "/users/%00", "/users/%2e%2e/x", "/users%2Fx", "/users/%5c",
                "/users/a;b", "/users//x", "/users/%0d%0a", "/users\\x")) {
            RawHttp.Response answer = send("GET", path, List.of(reader), "").checkProblemOracle();
            assertThat(answer.status()).as(path).isEqualTo(400);
        }
    }

    @Test
    void pathsThatAreNotURIsGet400ProblemDetails() throws IOException {
        for (String path : List.of("/users/%ZZ", "/users/%", "/users/a%2", "/users/{x}", "/users/|", "/users/\u00e9")) {
            RawHttp.Response answer = send("GET", path, List.of(reader), "").checkProblemOracle();
            assertThat(answer.status()).as(path).isBetween(400, 404);
        }
    }

    // guards the hostile-input finding: TRACE and lower-case methods got a bare 400
    @Test
    void methodsNobodyServesGet405WithAllow() throws IOException {
        assertMethodNotAllowed("TRACE", "/users", List.of(), "POST");
        assertMethodNotAllowed("get", "/users/" + UUID.randomUUID(), List.of(), "GET");
        assertMethodNotAllowed("FOO", "/users", List.of(), "POST");
        assertMethodNotAllowed("CONNECT", "/users/x", List.of(), "GET");
        assertMethodNotAllowed("PUT", "/users", List.of(reader), "POST");
        assertMethodNotAllowed("DELETE", "/users/" + UUID.randomUUID(), List.of(reader), "GET");
        assertMethodNotAllowed("PATCH", "/users/" + UUID.randomUUID(), List.of(reader), "GET");
    }

    @Test
    void unknownPathGets404ProblemDetailThatNamesNoInternals() throws IOException {
        RawHttp.Response answer = send("GET", "/nothing/here", List.of(reader), "").checkProblemOracle();
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body()).doesNotContainIgnoringCase("static").doesNotContainIgnoringCase("resource");
    }

    // guards the hostile-input finding: Netty answered 414 and 431 and 400 with no body
    @Test
    void requestsNettyRefusesGetProblemDetails() throws IOException {
        assertThat(send("GET", "/users/" + "a".repeat(5000), List.of(), "").checkProblemOracle().status()).isEqualTo(414);
        assertThat(send("GET", "/users/x", List.of("X-Long: " + "a".repeat(9000)), "").checkProblemOracle().status())
                .isEqualTo(431);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add("X-Header-" + i + ": v");
        }
        assertThat(send("GET", "/users/x", many, "").checkProblemOracle().status()).isEqualTo(431);
        for (String requestLine : List.of("GET /users/x HTTP/1.1 extra", "GET\t/users", "/users",
                "GET /users/x HTTP/1.1\u0000", "\u0016\u0003\u0001")) {
            RawHttp.Response answer = RawHttp.exchange(port, (requestLine + "\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1), TIMEOUT).checkProblemOracle();
            assertThat(answer.status()).as(requestLine).isEqualTo(400);
        }
        for (String header : List.of("Bad Header: x", "X-Ctl: a\u0001b", ": empty")) {
            assertThat(send("GET", "/users/x", List.of(header), "").checkProblemOracle().status()).as(header)
                    .isEqualTo(400);
        }
        send("GET", "/users/x", List.of("X-Folded: a", " folded"), "").checkProblemOracle();
        String chunked = "POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
        RawHttp.exchange(port, chunked.getBytes(StandardCharsets.ISO_8859_1), TIMEOUT).checkProblemOracle();
        String both = "POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}";
        assertThat(RawHttp.exchange(port, both.getBytes(StandardCharsets.ISO_8859_1), TIMEOUT).checkProblemOracle()
                .status()).isEqualTo(400);
    }

    // guards the hostile-input finding (seen at the local activator, and user-api did the same): a body
    // shorter than its Content-Length held the connection open with no timeout
    @Test
    void bodyShorterThanItsContentLengthGets408() throws IOException {
        String cut = "POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"name\":";
        RawHttp.Response answer = RawHttp.exchange(port, cut.getBytes(StandardCharsets.ISO_8859_1), TIMEOUT)
                .checkProblemOracle();
        assertThat(answer.status()).isEqualTo(408);
        // The rest of the body may still come, or never: the connection ends instead of waiting for it.
        assertThat(answer.header("Connection")).isEqualToIgnoringCase("close");
    }

    @Test
    void headRequestsAreAnsweredWithoutABody() throws IOException {
        RawHttp.Response tooLong = send("HEAD", "/users/" + "a".repeat(5000), List.of(), "");
        assertThat(tooLong.status()).isEqualTo(414);
        RawHttp.Response notServed = send("HEAD", "/users/" + UUID.randomUUID(), List.of(reader), "");
        assertThat(notServed.status()).isEqualTo(405);
        assertThat(notServed.header("Allow")).isEqualTo("GET");
    }

    // guards the hostile-input finding: hostile Idempotency-Keys were taken as keys, or reached the firewall as 500s
    @Test
    void hostileIdempotencyKeysGet400ProblemDetailsAndNothingIsStored() throws IOException {
        List<List<String>> refused = List.of(
                List.of("Idempotency-Key: "),
                List.of("Idempotency-Key:    "),
                List.of("Idempotency-Key: " + "k".repeat(256)),
                List.of("Idempotency-Key: caf\u00e9"),
                List.of("Idempotency-Key: a\u0085b"),
                List.of("Idempotency-Key: a\u00ffb"),
                List.of("Idempotency-Key: one", "Idempotency-Key: two"),
                List.of("Idempotency-Key: a\u0001b"),
                List.of("Idempotency-Key: a\u007fb"));
        for (List<String> keys : refused) {
            String email = unique("key") + "@example.com";
            List<String> headers = new ArrayList<>(keys);
            headers.add("Content-Type: application/json");
            RawHttp.Response answer = post(headers, signUp(email)).checkProblemOracle();
            assertThat(answer.status()).as(keys.toString()).isEqualTo(400);
            assertThat(usersWithEmail(email)).as(keys.toString()).isZero();
        }
        String email = unique("huge-key") + "@example.com";
        RawHttp.Response huge = post(List.of("Content-Type: application/json", "Idempotency-Key: " + "k".repeat(9000)),
                signUp(email)).checkProblemOracle();
        assertThat(huge.status()).isEqualTo(431);
        assertThat(usersWithEmail(email)).isZero();
    }

    @Test
    void idempotencyKeyOf255PrintableCharactersIsTaken() throws IOException {
        String key = ("~ !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}" + UUID.randomUUID()).repeat(4).substring(0, 255);
        String email = unique("long-key") + "@example.com";
        List<String> headers = List.of("Content-Type: application/json", "Idempotency-Key: " + key);
        RawHttp.Response first = post(headers, signUp(email));
        RawHttp.Response again = post(headers, signUp(email));
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(usersWithEmail(email)).isEqualTo(1);
    }

    void assertMethodNotAllowed(String method, String path, List<String> headers, String allow) throws IOException {
        RawHttp.Response answer = send(method, path, headers, "").checkProblemOracle();
        assertThat(answer.status()).as(method + " " + path).isEqualTo(405);
        assertThat(answer.header("Allow")).as(method + " " + path).isEqualTo(allow);
    }

    RawHttp.Response post(List<String> headers, String body) throws IOException {
        return send("POST", "/users", headers, body);
    }

    RawHttp.Response send(String method, String target, List<String> headers, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>();
        all.add("Host: localhost");
        all.addAll(headers);
        all.add("Content-Length: " + bytes.length);
        all.add("Connection: close");
        return RawHttp.exchange(port, RawHttp.request(method, target, all, bytes), TIMEOUT);
    }

    static String signUp(String email) {
        return "{\"name\":\"Hostile\",\"email\":\"" + email + "\"}";
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    long usersWithEmail(String email) {
        return LocalBackends.shared().clients().dynamo().scanPaginator(scan -> scan.tableName(TABLE).consistentRead(true)
                        .filterExpression("sk = :profile AND email = :email")
                        .expressionAttributeValues(Map.of(":profile", AttributeValue.fromS("PROFILE"),
                                ":email", AttributeValue.fromS(email))))
                .items().stream().count();
    }
}
