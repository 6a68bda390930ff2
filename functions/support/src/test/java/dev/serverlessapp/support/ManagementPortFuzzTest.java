package dev.serverlessapp.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.support.cloudevents.EchoFunctionApp;
import dev.serverlessapp.testing.fuzz.Hostile;
import dev.serverlessapp.testing.fuzz.KeptAliveFuzz;
import dev.serverlessapp.testing.fuzz.RawHttp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The management port is a door too (Prometheus scrapes it; operators reach it): hostile requests on
 * kept-alive connections, each answered in order, no 5xx, a problem detail on every 4xx, and the connection
 * still answering after them. 60 connections in CI, 2 000 at the large size.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementPortFuzzTest {

    private static final List<String> METHODS = List.of("GET", "GET", "GET", "HEAD", "POST", "DELETE", "OPTIONS", "PUT");
    private static final List<String> TARGETS = List.of("/actuator/health", "/actuator/health/liveness",
            "/actuator/health/readiness", "/actuator/prometheus", "/actuator", "/nowhere", "/actuator/health/%zz",
            "/actuator/../../etc/passwd", "/actuator/prometheus?name[]=x", "/livez", "/readyz");

    /** Accept fields a fuzzed value rarely makes: empty elements (BlankAcceptElements), nothing acceptable. */
    static final List<String> BLANK_OR_ODD_ACCEPT = List.of("", " ", ",", " , ", "text/plain, ,", ";", "*/*;q=0",
            "application/json");

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "management-fuzz");
    }

    @LocalManagementPort
    int managementPort;

    @Test
    void hostileRequestsOnKeptAliveConnectionsAreEachAnsweredInOrder() {
        KeptAliveFuzz.Probe health = new KeptAliveFuzz.Probe(
                "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 200);
        Map<Integer, Integer> statuses = KeptAliveFuzz.run("management port kept-alive connections", 60, 2000,
                managementPort, health, ManagementPortFuzzTest::request, answer -> { });
        // Answers of every kind ran: served, refused by the routes, refused by Netty.
        assertThat(statuses).containsKeys(200, 404, 405);
        assertThat(statuses.keySet()).anyMatch(status -> status == 400 || status == 431);
    }

    /** A management request with none to two parts made hostile: a header value, a header block over 8 KiB. */
    static byte[] request(Random random) {
        List<String> headers = new ArrayList<>(List.of("Host: localhost"));
        if (random.nextInt(5) == 0) {
            headers.add("X-Hostile: " + Hostile.text(random, 40).replaceAll("[\r\n]", " "));
        }
        switch (random.nextInt(12)) {
            case 0 -> headers.add("Accept: " + Hostile.almostValid(random, "text/plain;version=0.0.4"));
            case 1 -> headers.add("Accept: " + Hostile.oneOf(random, BLANK_OR_ODD_ACCEPT));
            default -> {
            }
        }
        if (random.nextInt(20) == 0) {
            headers.add("X-Big: " + "b".repeat(9000));
        }
        String method = Hostile.oneOf(random, METHODS);
        byte[] body = method.equals("POST") || method.equals("PUT") ? Hostile.bytes(random, 64) : new byte[0];
        if (body.length > 0) {
            headers.add("Content-Length: " + body.length);
        }
        return RawHttp.request(method, Hostile.oneOf(random, TARGETS), headers, body);
    }
}
