package dev.serverlessapp.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.backends.ChildProcess;
import dev.serverlessapp.testing.HoldingProxy;
import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.testing.TokenIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A sign-up retried with its Idempotency-Key after a stall, a 503 or a crash of user-api ends in the
 * same 201 and the same user, never in "Email already registered". DynamoDB is reached through a
 * {@link HoldingProxy} that stalls one chosen step of the sign-up; the crash is a real SIGKILL of a
 * user-api process.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SignUpConvergesTest {

    static final StalledDynamo BACKEND = new StalledDynamo();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        BACKEND.register(registry);
        // A stalled call fails after 8 s; the request deadline is above it, so the 503 comes from the call.
        registry.add("aws.api-call-timeout", () -> "PT8S");
        registry.add("app.request.deadline", () -> "PT12S");
        registry.add("users.claim-repair-after", () -> REPAIR_AFTER.toString());
    }

    /** Short, so a test can outwait it; a retry of the same sign-up is never a repair, whatever its age. */
    static final Duration REPAIR_AFTER = Duration.ofSeconds(3);

    @AfterAll
    static void stop() throws Exception {
        BACKEND.proxy.close();
    }

    @LocalServerPort
    int port;

    final String email = "stall-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    final String body = "{\"name\":\"Ada\",\"email\":\"" + email + "\"}";
    final String key = UUID.randomUUID().toString();

    /**
     * Issue 12's stall: the email claim reached DynamoDB only after user-api had given up on it and
     * answered 503, and the user was never written. The retry recognises the claim as its own sign-up's
     * and stores that user.
     */
    @Test
    void retryFindsTheEmailClaimItsFirstAttemptLeftAndStoresThatUser() {
        HoldingProxy.Hold claim = BACKEND.proxy.hold("PutItem", "EMAIL#" + email);
        CarefulClient client = CarefulClient.of(port);

        assertThat(client.post(key, body).status()).isEqualTo(503);
        claim.release();
        await().atMost(Duration.ofSeconds(20)).until(() -> !BACKEND.emailClaim(email).isEmpty());
        String claimedFor = BACKEND.emailClaim(email).get("userId").s();

        CarefulClient.Answer retry = client.signUp(key, body);

        assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
        assertThat(retry.body().get("user").get("id").asString()).isEqualTo(claimedFor);
        assertThat(BACKEND.usersWithEmail(email)).hasSize(1);
        assertThat(client.post(key, body).body()).as("a later retry").isEqualTo(retry.body());
        assertThat(BACKEND.welcomesFor(email)).hasSize(1);
    }

    /** A retry that arrives while the first attempt is still at work gets the first attempt's answer. */
    @Test
    void retryWhileTheFirstAttemptIsAtWorkGetsItsAnswer() {
        HoldingProxy.Hold userWrite = BACKEND.proxy.hold("PutItem", "\"PROFILE\"", email);
        HoldingProxy.Hold retryLooked = BACKEND.proxy.watch("GetItem", "IDEMPOTENCY#");
        CarefulClient client = CarefulClient.of(port);
        CompletableFuture<CarefulClient.Answer> first = client.postLater(key, body).toFuture();
        await().until(() -> userWrite.seen() == 1);
        int looksBefore = retryLooked.seen();

        CompletableFuture<CarefulClient.Answer> retry = client.postLater(key, body).toFuture();
        // The retry has found the first attempt's claim in progress; now the first one goes on.
        await().until(() -> retryLooked.seen() > looksBefore);
        userWrite.release();

        assertThat(first.join().status()).isEqualTo(201);
        assertThat(retry.join().status()).as("not 409 Already in progress").isEqualTo(201);
        assertThat(retry.join().body()).isEqualTo(first.join().body());
        assertThat(BACKEND.usersWithEmail(email)).hasSize(1);
    }

    /**
     * user-api is killed (SIGKILL) in the middle of a sign-up, after it claimed the email and before the
     * user was written. Its claims lapse within seconds, and the client's retry, served by another
     * user-api, stores the user the first attempt chose.
     */
    @Test
    void retryAfterUserApiWasKilledMidSignUpGetsTheUserWithinSeconds() throws Exception {
        HoldingProxy.Hold userWrite = BACKEND.proxy.hold("PutItem", "\"PROFILE\"", email);
        try (ChildProcess doomed = startUserApi()) {
            // Its connection dies with the process; nobody waits for that answer.
            CarefulClient.of(doomed.port()).postLater(key, body).subscribe(answer -> { }, cutOff -> { });
            await().atMost(Duration.ofSeconds(60)).until(() -> userWrite.seen() == 1);
            doomed.kill();
        }
        userWrite.drop();
        String claimedFor = BACKEND.emailClaim(email).get("userId").s();

        CarefulClient.Answer retry = CarefulClient.of(port).signUp(key, body);

        assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
        JsonNode user = retry.body().get("user");
        assertThat(user.get("id").asString()).isEqualTo(claimedFor);
        assertThat(BACKEND.usersWithEmail(email)).hasSize(1);
        assertThat(BACKEND.welcomesFor(email)).hasSize(1);
    }

    /**
     * C1's hole: a sign-up's user write stalled past {@code claimRepairAfter}, another sign-up for the
     * address repaired the claim and stored its own user, and then the stalled write landed: two users
     * for one address. The repair retires the stalled sign-up's user id first, so the late write is refused.
     */
    @Test
    void aUserWriteThatLandsAfterARepairAddsNoSecondUser() {
        HoldingProxy.Hold stalledWrite = BACKEND.proxy.hold("PutItem", "\"PROFILE\"", "Ada Stalled");
        CarefulClient.of(port).postLater(key, "{\"name\":\"Ada Stalled\",\"email\":\"" + email + "\"}")
                .subscribe(answer -> { }, cutOff -> { });
        await().atMost(Duration.ofSeconds(60)).until(() -> stalledWrite.seen() >= 1);
        String stalledFor = BACKEND.emailClaim(email).get("userId").s();
        awaitRepairable();

        CarefulClient.Answer other = CarefulClient.of(port).signUp(UUID.randomUUID().toString(),
                "{\"name\":\"Bea Other\",\"email\":\"" + email + "\"}");
        assertThat(other.status()).as(other.toString()).isEqualTo(201);
        String repairedFor = other.body().get("user").get("id").asString();
        stalledWrite.release();
        await().atMost(Duration.ofSeconds(30)).until(() -> stalledWrite.answered() == stalledWrite.seen());

        assertThat(BACKEND.usersWithEmail(email)).extracting(user -> user.get("id").s()).containsExactly(repairedFor);
        assertThat(BACKEND.user(stalledFor)).as("the stalled sign-up's user").doesNotContainKey("email");
        // Its place holds the retired marker, which is no user to anyone who asks.
        String reader = TokenIssuer.shared().token("support-tool", "users:read");
        assertThat(WebClient.create("http://127.0.0.1:" + port).get().uri("/users/" + stalledFor)
                .headers(headers -> headers.setBearerAuth(reader))
                .exchangeToMono(response -> Mono.just(response.statusCode().value())).block(Duration.ofSeconds(30)))
                .isEqualTo(404);
        assertThat(BACKEND.emailClaim(email).get("userId").s()).isEqualTo(repairedFor);
    }

    /**
     * A repair that retired the user id and then lost the claim to a retry of the stalled sign-up (or
     * died before taking it over) leaves that sign-up a retired id: its retry stores the user under a
     * new id, one user for the address, never a 201 naming a user that is not there.
     */
    @Test
    void aRetryWhoseUserIdWasRetiredStoresItsUserUnderANewId() throws Exception {
        HoldingProxy.Hold userWrite = BACKEND.proxy.hold("PutItem", "\"PROFILE\"", email, "Ada");
        try (ChildProcess doomed = startUserApi()) {
            CarefulClient.of(doomed.port()).postLater(key, body).subscribe(answer -> { }, cutOff -> { });
            await().atMost(Duration.ofSeconds(60)).until(() -> userWrite.seen() == 1);
            doomed.kill();
        }
        userWrite.drop();
        String retiredId = BACKEND.emailClaim(email).get("userId").s();
        awaitRepairable();
        String otherKey = UUID.randomUUID().toString();
        String otherBody = "{\"name\":\"Bea Other\",\"email\":\"" + email + "\"}";
        String otherOwner = IdempotencyStore.Key.of("users", otherKey, IdempotencyStore.sha256("Bea Other\n" + email)).id();
        // The take-over, not the first claim attempt: only the take-over is conditional on the token.
        HoldingProxy.Hold repairTakeOver = BACKEND.proxy.hold("PutItem", "EMAIL#" + email, otherOwner, ":token");
        // A careful client too: held past REQUEST_DEADLINE it gets a 503 first, and retries.
        CompletableFuture<CarefulClient.Answer> other = CompletableFuture.supplyAsync(
                () -> CarefulClient.of(port).signUp(otherKey, otherBody));
        // The repair has retired the id and is about to take the claim over; the first sign-up's retry comes first.
        await().atMost(Duration.ofSeconds(30)).until(() -> repairTakeOver.seen() == 1);
        assertThat(BACKEND.user(retiredId)).containsKey("retiredAt");

        CarefulClient.Answer retry = CarefulClient.of(port).signUp(key, body);
        repairTakeOver.release();

        assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
        String storedId = retry.body().get("user").get("id").asString();
        assertThat(storedId).isNotEqualTo(retiredId);
        assertThat(BACKEND.usersWithEmail(email)).extracting(user -> user.get("id").s()).containsExactly(storedId);
        assertThat(other.join().status()).as("the repair lost the claim").isEqualTo(409);
        assertThat(other.join().title()).isEqualTo("Email already registered");
        assertThat(BACKEND.welcomesFor(email)).hasSize(1);
    }

    /** Waits until the first attempt's email claim is older than {@link #REPAIR_AFTER}, by user-api's clock (this machine's). */
    private void awaitRepairable() {
        Instant claimedAt = Instant.parse(BACKEND.emailClaim(email).get("claimedAt").s());
        await().atMost(Duration.ofSeconds(60)).until(() -> Instant.now().isAfter(claimedAt.plus(REPAIR_AFTER).plusSeconds(1)));
    }

    /** user-api as its own process, from this test's class path, on the same backends. */
    static ChildProcess startUserApi() {
        return ChildProcess.springApp("user-api", UserApiApplication.class, Ports.free(), List.of(
                "--aws.endpoints.dynamodb=" + BACKEND.proxy.endpoint(),
                "--aws.endpoints.sqs=" + StalledDynamo.BACKENDS.sqsEndpoint(),
                "--app.table.name=" + BACKEND.table,
                "--users.email-queue-url=" + BACKEND.queueUrl,
                "--users.auth.enabled=false"));
    }
}
