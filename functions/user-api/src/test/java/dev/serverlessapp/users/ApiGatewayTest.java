package dev.serverlessapp.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessapp.backends.Backends.Service;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.testing.ConfigurationProxies;
import dev.serverlessapp.testing.TokenIssuer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;

/**
 * The API-gateway duties in user-api, over real HTTP with tokens signed by a local issuer and checked
 * through its JWKS: who may read a user, the per-client rate limit, and what reaches the metrics and
 * the welcome message's trace context. Each client here (token subject or forwarded address) is
 * fresh, so the tests do not share a bucket: every request counts against its address, and one with a
 * valid token against its subject too.
 */
@SpringBootTest(classes = UserApiApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.server.port=0",
                "users.rate-limit.burst=3", "users.rate-limit.rate=1", "users.rate-limit.period=PT1H"})
@AutoConfigureWebTestClient(timeout = "PT30S")
class ApiGatewayTest {

    @Test
    void startsWithoutSubclassingAConfigurationClass() {
        // Issue 15: each CGLIB subclass is paid for at every cold start.
        assertThat(ConfigurationProxies.in(context)).isEmpty();
    }

    static final String TABLE = "gateway-" + UUID.randomUUID();
    static final AtomicInteger addresses = new AtomicInteger(1);
    static String queueUrl;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        LocalBackends backends = LocalBackends.shared();
        backends.springProperties(Service.DYNAMODB, Service.SQS).forEach((name, value) -> registry.add(name, () -> value));
        backends.clients().createTable(AppTable.createTableRequest(TABLE));
        queueUrl = backends.clients().createQueue("gateway-" + UUID.randomUUID());
        registry.add("app.table.name", () -> TABLE);
        registry.add("users.email-queue-url", () -> queueUrl);
        LocalIssuer.trust(registry);
    }

    @Autowired
    WebTestClient http;

    @LocalManagementPort
    int managementPort;

    @Autowired
    ApplicationContext context;

    final TokenIssuer issuer = TokenIssuer.shared();

    @Test
    void signUpNeedsNoToken() {
        String email = "public-" + UUID.randomUUID() + "@example.com";
        String id = signUp(email);
        assertThat(userItem(id).get("email").s()).isEqualTo(email);
    }

    @Test
    void getWithoutTokenGets401ProblemThatSaysNoMore() {
        String id = signUp("anon-" + UUID.randomUUID() + "@example.com");
        http.get().uri("/users/" + id).header("X-Forwarded-For", nextAddress()).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().json("""
                        {"type":"about:blank","title":"Unauthorized","status":401,
                         "detail":"A valid bearer token is required"}""", true);
    }

    @Test
    void invalidTokensGet401WithoutSayingWhy() {
        String id = signUp("bad-" + UUID.randomUUID() + "@example.com");
        for (String token : List.of(issuer.tokenSignedByAnotherKey(id), issuer.expiredToken(id),
                issuer.tokenFor("another-api", id), "not.a.jwt")) {
            http.get().uri("/users/" + id).header("X-Forwarded-For", nextAddress())
                    .headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().valueEquals("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                    .expectBody().jsonPath("$.detail").isEqualTo("A valid bearer token is required");
        }
    }

    @Test
    void anotherUsersTokenGets403() {
        String id = signUp("other-" + UUID.randomUUID() + "@example.com");
        http.get().uri("/users/" + id).header("X-Forwarded-For", nextAddress())
                .headers(h -> h.setBearerAuth(issuer.token(UUID.randomUUID().toString())))
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer error=\"insufficient_scope\"")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().json("""
                        {"type":"about:blank","title":"Forbidden","status":403,
                         "detail":"The token does not allow this request"}""", true);
    }

    @Test
    void usersOwnTokenGets200() {
        String email = "self-" + UUID.randomUUID() + "@example.com";
        String id = signUp(email);
        http.get().uri("/users/" + id).header("X-Forwarded-For", nextAddress())
                .headers(h -> h.setBearerAuth(issuer.token(id))).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.email").isEqualTo(email);
    }

    @Test
    void readScopeGets200ForAnyUser() {
        String email = "read-" + UUID.randomUUID() + "@example.com";
        String id = signUp(email);
        http.get().uri("/users/" + id).header("X-Forwarded-For", nextAddress())
                .headers(h -> h.setBearerAuth(issuer.token("support-" + UUID.randomUUID(),
                        "profile users:read")))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.email").isEqualTo(email);
    }

    @Test
    void clientPastItsBurstGets429WithRetryAfterAndNothingIsStored() {
        String client = nextAddress();
        for (int i = 0; i < 3; i++) {
            postFrom(client, "burst-" + UUID.randomUUID() + "@example.com").expectStatus().isCreated();
        }
        String refused = "refused-" + UUID.randomUUID() + "@example.com";
        postFrom(client, refused)
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().value("Retry-After", after -> assertThat(Long.parseLong(after)).isBetween(1L, 3600L))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.title").isEqualTo("Too many requests");
        assertThat(usersWithEmail(refused)).isZero();

        // Another client has its own bucket.
        postFrom(nextAddress(), "next-" + UUID.randomUUID() + "@example.com").expectStatus().isCreated();
    }

    @Test
    void tokenHoldersAreLimitedBySubject() {
        String id = signUp("limited-" + UUID.randomUUID() + "@example.com");
        String token = issuer.token(id);
        for (int i = 0; i < 3; i++) {
            // A new forwarded address each time: the subject, not the address, is the client.
            http.get().uri("/users/" + id).header("X-Forwarded-For", nextAddress())
                    .headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk();
        }
        http.get().uri("/users/" + id).header("X-Forwarded-For", nextAddress())
                .headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().exists("Retry-After");
    }

    // guards the hostile-input finding: a token with an unknown key id made user-api fetch the issuer's
    // keys before the limiter ran, so each such request cost the issuer a fetch
    @Test
    void clientPastItsLimitGets429BeforeItsTokenIsChecked() {
        String client = nextAddress();
        for (int i = 0; i < 3; i++) {
            getFrom(client, issuer.tokenWithUnknownKeyId("stranger")).expectStatus().isUnauthorized();
        }
        int fetchesBefore = issuer.jwksFetches();
        for (int i = 0; i < 3; i++) {
            getFrom(client, issuer.tokenWithUnknownKeyId("stranger"))
                    .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        assertThat(issuer.jwksFetches()).isEqualTo(fetchesBefore);
    }

    @Test
    void tokensWithMadeUpKeyIdsCauseABoundedNumberOfKeyFetches() {
        // A good token first, so that the keys are cached and every fetch below is a look for an unknown key.
        String reader = issuer.token("support-" + UUID.randomUUID(), "users:read");
        getFrom(nextAddress(), reader).expectStatus().isNotFound();
        int fetchesBefore = issuer.jwksFetches();
        long started = System.nanoTime();
        int tokens = 40;
        for (int i = 0; i < tokens; i++) {
            getFrom(nextAddress(), issuer.tokenWithUnknownKeyId("stranger-" + i))
                    .expectStatus().isUnauthorized()
                    .expectHeader().valueEquals("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        // At most one look for unknown keys per 30 seconds: a slow run may span more than one window.
        long windows = 1 + Duration.ofNanos(System.nanoTime() - started).toSeconds() / 30;
        assertThat(issuer.jwksFetches() - fetchesBefore).as("key fetches for %d made-up key ids", tokens)
                .isLessThanOrEqualTo((int) windows);
        getFrom(nextAddress(), reader).expectStatus().isNotFound();
    }

    /** Knative probes only the serving port, and without a token. */
    @Test
    void probesAnswerOnTheServingPortWithoutAToken() {
        http.get().uri("/readyz").exchange().expectStatus().isOk();
        http.get().uri("/livez").exchange().expectStatus().isOk();
    }

    @Test
    void requestsAreCountedByRouteTemplateAndStatus() {
        String id = signUp("metrics-" + UUID.randomUUID() + "@example.com");
        http.get().uri("/users/" + id).header("X-Forwarded-For", nextAddress())
                .headers(h -> h.setBearerAuth(issuer.token(id))).exchange()
                .expectStatus().isOk();

        // The server records a request as its observation stops, which may be just after the answer.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String scrape = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build()
                    .get().uri("/actuator/prometheus").exchange()
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
            // The template, not the id: one series per route, whatever the ids.
            assertThat(scrape).containsPattern("http_server_requests_seconds_count\\{[^}]*method=\"GET\"[^}]*status=\"200\"[^}]*uri=\"/users/\\{id}\"");
            assertThat(scrape).containsPattern("http_server_requests_seconds_count\\{[^}]*method=\"POST\"[^}]*status=\"201\"[^}]*uri=\"/users\"");
            assertThat(scrape).doesNotContain(id);
            // Spring Security's per-filter observations are off: they cost CPU and repeat the request's.
            assertThat(scrape).contains("http_server_requests_seconds").doesNotContain("spring_security_");
        });
    }

    /** function-defaults.yaml's exclusions hold in user-api too: no info endpoint, no generated in-memory user. */
    @Test
    void sharedAutoConfigurationExclusionsApply() {
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build()
                .get().uri("/actuator/info").exchange().expectStatus().isNotFound();
        assertThat(context.getBeanProvider(ReactiveUserDetailsService.class).getIfAvailable()).isNull();
    }

    @Test
    void welcomeMessageCarriesTheSignUpsTraceContext() {
        String email = "traced-" + UUID.randomUUID() + "@example.com";
        signUp(email);

        // Issue 15: no OTLP endpoint here, so the sign-up's spans are not recorded (sampled flag 00),
        // yet its trace travels on with the welcome for a consumer to continue.
        String traceparent = welcomeFor(email).messageAttributes().get("traceparent").stringValue();
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00")
                .doesNotContain("-" + "0".repeat(32) + "-");
    }

    String signUp(String email) {
        JsonNode created = postFrom(nextAddress(), email).expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        return created.get("user").get("id").asString();
    }

    WebTestClient.ResponseSpec getFrom(String address, String token) {
        return http.get().uri("/users/" + UUID.randomUUID()).header("X-Forwarded-For", address)
                .headers(h -> h.setBearerAuth(token)).exchange();
    }

    /** The test client connects from loopback, a trusted proxy, so its X-Forwarded-For names the client. */
    WebTestClient.ResponseSpec postFrom(String address, String email) {
        return http.post().uri("/users").header("X-Forwarded-For", address)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"Gateway\",\"email\":\"" + email + "\"}").exchange();
    }

    static String nextAddress() {
        int n = addresses.getAndIncrement();
        return "198.51." + (n / 250) + "." + (n % 250 + 1);
    }

    Map<String, AttributeValue> userItem(String id) {
        return LocalBackends.shared().clients().dynamo().getItem(get -> get.tableName(TABLE).consistentRead(true)
                .key(Map.of(Table.PK, AttributeValue.fromS("USER#" + id),
                        Table.SK, AttributeValue.fromS("PROFILE")))).item();
    }

    long usersWithEmail(String email) {
        return LocalBackends.shared().clients().dynamo().scanPaginator(scan -> scan.tableName(TABLE).consistentRead(true)
                        .filterExpression("sk = :profile AND email = :email")
                        .expressionAttributeValues(Map.of(":profile", AttributeValue.fromS("PROFILE"),
                                ":email", AttributeValue.fromS(email))))
                .items().stream().count();
    }

    Message welcomeFor(String email) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> LocalBackends.shared().clients().sqs()
                .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .messageAttributeNames("All"))
                .messages().stream().filter(m -> m.body().contains(email)).findFirst().orElse(null), m -> m != null);
    }
}
