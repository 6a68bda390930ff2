package dev.serverlessapp.users;

import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.Backends.Service;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.testing.TokenIssuer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The issuer is down (nothing listens where it should be): user-api still starts, and a well-formed token
 * cannot be checked, which is the issuer's outage, not the caller's fault: 503 with Retry-After, never 500
 * and never a 401 that would make a client throw a good token away.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class IssuerUnreachableTest {

    static final String TABLE = "users-" + UUID.randomUUID();
    static final String ISSUER = "http://127.0.0.1:" + Ports.free();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        LocalBackends backends = LocalBackends.shared();
        backends.springProperties(Service.DYNAMODB).forEach((name, value) -> registry.add(name, () -> value));
        backends.clients().createTable(AppTable.createTableRequest(TABLE));
        registry.add("app.table.name", () -> TABLE);
        registry.add("users.auth.issuer-uri", () -> ISSUER);
    }

    @Autowired
    WebTestClient http;

    // guards the hostile-input finding: with the issuer unreachable, any well-formed token answered 500
    @Test
    void wellFormedTokenGets503WhenTheIssuerIsDown() {
        for (String token : List.of(TokenIssuer.shared().token("someone", "users:read"),
                TokenIssuer.shared().tokenWithUnknownKeyId("someone"))) {
            http.get().uri("/users/" + UUID.randomUUID()).headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader().exists("Retry-After")
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.status").isEqualTo(503);
        }
    }

    @Test
    void malformedTokenStillGets401() {
        http.get().uri("/users/" + UUID.randomUUID()).headers(h -> h.setBearerAuth("not.a.jwt")).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }
}
