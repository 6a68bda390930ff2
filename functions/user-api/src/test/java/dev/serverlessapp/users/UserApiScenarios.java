package dev.serverlessapp.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.AwsTestClients;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.Backends.Service;
import dev.serverlessapp.testing.TokenIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The users API end to end: real HTTP in, real DynamoDB- and SQS-compatible servers behind. Each
 * scenario checks its effect in the backends, not only the status code. Subclasses choose the
 * backends (local servers, or containers where Docker runs) and give each class a fresh table and
 * queue.
 */
abstract class UserApiScenarios {

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    /** GET needs a token from the issuer; the limiter is set wide, as 50 sign-ups come from one address. */
    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        LocalIssuer.trust(registry);
        registry.add("users.rate-limit.burst", () -> "1000");
    }

    /** Points the app at a fresh table and queue on these backends; answers the queue's URL. */
    static String provision(Backends backends, String table, DynamicPropertyRegistry registry) {
        backends.springProperties(Service.DYNAMODB, Service.SQS).forEach((name, value) -> registry.add(name, () -> value));
        backends.clients().createTable(AppTable.createTableRequest(table));
        String queueUrl = backends.clients().createQueue("emails-" + UUID.randomUUID());
        registry.add("app.table.name", () -> table);
        registry.add("users.email-queue-url", () -> queueUrl);
        return queueUrl;
    }

    abstract AwsTestClients clients();

    abstract String table();

    abstract String queueUrl();

    @Test
    void signUpStoresTheUserAndQueuesTheWelcome() {
        String email = unique("ada") + "@example.com";
        JsonNode created = post("{\"name\":\"Ada Lovelace\",\"email\":\"" + email + "\"}")
                .expectStatus().isCreated()
                .expectHeader().value("Location", location -> assertThat(location).startsWith("/users/"))
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(created.get("message").asString()).isEqualTo("User created successfully");
        JsonNode user = created.get("user");
        String id = user.get("id").asString();
        assertThat(UserRoutes.isUserId(id)).isTrue();
        assertThat(user.get("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(user.get("email").asString()).isEqualTo(email);
        assertThat(Instant.parse(user.get("created").asString())).isBefore(Instant.now().plusSeconds(1));

        Map<String, AttributeValue> item = userItem(id);
        assertThat(item.get("email").s()).isEqualTo(email);
        // Filed under the hour it was created: the report counts it, the hourly job checks its welcome from there.
        assertThat(item.get(Table.ACTIVITY_PK).s()).isEqualTo("CREATED#" + Table.hour(Instant.now()));
        // The profile is user-api's alone: the welcome's state lives on the welcome's own items.
        assertThat(item).containsOnlyKeys(Table.PK, Table.SK, "id", "name", "email", "created",
                Table.ACTIVITY_PK, Table.ACTIVITY_SK);

        JsonNode welcome = json.readTree(onlyMessageFor(email).body());
        assertThat(welcome.get("type").asString()).isEqualTo("welcome");
        assertThat(welcome.get("to").asString()).isEqualTo(email);
        assertThat(welcome.get("userId").asString()).isEqualTo(id);
        assertThat(welcome.get("body").asString()).contains("Ada Lovelace");
    }

    @Test
    void storedUserIsReadableByGet() {
        String email = unique("grace") + "@example.com";
        String location = post("{\"name\":\"Grace Hopper\",\"email\":\"" + email + "\"}")
                .expectStatus().isCreated()
                .returnResult(Void.class).getResponseHeaders().getLocation().toString();

        String id = location.substring("/users/".length());
        http.get().uri(location).headers(h -> h.setBearerAuth(TokenIssuer.shared().token(id))).exchange()
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.id").isEqualTo(id)
                .jsonPath("$.name").isEqualTo("Grace Hopper")
                .jsonPath("$.email").isEqualTo(email)
                .jsonPath("$.created").isNotEmpty();
    }

    @Test
    void nameIsTrimmedAndEmailTrimmedAndLowerCased() {
        String local = unique("alan");
        String id = post("{\"name\":\"  Alan Turing \",\"email\":\"  " + local.toUpperCase() + "@Example.COM \"}")
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("user").get("id").asString();

        Map<String, AttributeValue> item = userItem(id);
        assertThat(item.get("name").s()).isEqualTo("Alan Turing");
        assertThat(item.get("email").s()).isEqualTo(local + "@example.com");
    }

    @Test
    void missingFieldsGet400ListingEveryError() {
        post("{}").expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.errors.length()").isEqualTo(2)
                .jsonPath("$.errors[0].field").isEqualTo("name")
                .jsonPath("$.errors[1].field").isEqualTo("email");
    }

    @Test
    void blankNameGets400() {
        post("{\"name\":\"   \",\"email\":\"" + unique("b") + "@example.com\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("name")
                .jsonPath("$.errors[0].message").isEqualTo("is required");
    }

    @Test
    void nameLongerThan200CharactersGets400() {
        post("{\"name\":\"" + "x".repeat(201) + "\",\"email\":\"" + unique("l") + "@example.com\"}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].message").isEqualTo("must be at most 200 characters");
        // 200 is still fine.
        post("{\"name\":\"" + "x".repeat(200) + "\",\"email\":\"" + unique("m") + "@example.com\"}")
                .expectStatus().isCreated();
    }

    @Test
    void invalidEmailGets400() {
        for (String email : List.of("not-an-email", "a@", "@example.com", "a b@example.com")) {
            post("{\"name\":\"Eve\",\"email\":\"" + email + "\"}").expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("email")
                    .jsonPath("$.errors[0].message").isEqualTo("is not a valid email address");
        }
    }

    @Test
    void malformedJsonGets400() {
        post("{\"name\": \"Eve\", ").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.title").isEqualTo("Malformed JSON");
        post("[1,2,3]").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.title").isEqualTo("Malformed JSON");
    }

    // guards the hostile-input finding: {"name": -1} or true created a user named "-1"
    @Test
    void nonStringFieldsGet400ListingEachField() {
        String email = unique("typed") + "@example.com";
        for (String name : List.of("-1", "true", "{}", "[\"Ada\"]", "1.5")) {
            post("{\"name\":" + name + ",\"email\":\"" + email + "\"}").expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.errors.length()").isEqualTo(1)
                    .jsonPath("$.errors[0].field").isEqualTo("name")
                    .jsonPath("$.errors[0].message").isEqualTo("must be a string");
        }
        post("{\"name\":false,\"email\":7}").expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("name")
                .jsonPath("$.errors[1].field").isEqualTo("email")
                .jsonPath("$.errors[1].message").isEqualTo("must be a string");
        assertThat(usersWithEmail(email)).isZero();
    }

    // guards the hostile-input finding: the body null was a NullPointerException, answered 500
    @Test
    void bodyThatIsNotAJsonObjectGets400() {
        for (String body : List.of("null", "[]", "\"x\"", "1", "true", "   ",
                "{\"name\":\"A\",\"name\":\"B\",\"email\":\"a@b.co\"}")) {
            post(body).expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.title").isEqualTo("Malformed JSON");
        }
    }

    // guards the poison seen in the hourly job: a lone surrogate got 201, then SQS refused the welcome for good
    @Test
    void textThatCannotTravelGets400AndNothingIsStoredOrQueued() {
        String email = unique("poison") + "@example.com";
        for (String name : List.of("\\ud800x", "x\\udfff", "nul\\u0000", "bell\\u0007", "a\\uffff", "two\\nlines",
                "line\\u2028separator")) {
            post("{\"name\":\"" + name + "\",\"email\":\"" + email + "\"}").expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.errors[0].field").isEqualTo("name")
                    .jsonPath("$.errors[0].message").value(message -> assertThat((String) message).startsWith("contains"));
        }
        post("{\"name\":\"Ada\",\"email\":\"ada\\ud800@example.com\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("email");
        assertThat(usersWithEmail(email)).isZero();
        assertThat(messagesFor(email)).isEmpty();
    }

    @Test
    void wrongContentTypeGets415() {
        http.post().uri("/users").contentType(MediaType.TEXT_PLAIN).bodyValue("name=Eve")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void bodyOver16KiBGets413() {
        String padding = "x".repeat(17 * 1024);
        post("{\"name\":\"Eve\",\"email\":\"" + unique("big") + "@example.com\",\"padding\":\"" + padding + "\"}")
                .expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                // The server stops reading the refused body instead of draining it to its end.
                .expectHeader().valueEquals(HttpHeaders.CONNECTION, "close");
    }

    @Test
    void secondUserWithTheSameEmailGets409() {
        String email = unique("dup") + "@example.com";
        post("{\"name\":\"First\",\"email\":\"" + email + "\"}").expectStatus().isCreated();
        post("{\"name\":\"Second\",\"email\":\"" + email.toUpperCase() + "\"}")
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.title").isEqualTo("Email already registered");
        assertThat(usersWithEmail(email)).isEqualTo(1);
    }

    @Test
    void fiftyConcurrentSignUpsWithOneEmailCreateExactlyOneUser() {
        String email = unique("race") + "@example.com";
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        List<HttpStatus> statuses = Flux.range(0, 50)
                .flatMap(i -> client.post().uri("/users").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"name\":\"Racer " + i + "\",\"email\":\"" + email + "\"}")
                        .exchangeToMono(response -> response.releaseBody()
                                .thenReturn(HttpStatus.valueOf(response.statusCode().value()))), 50)
                .collectList()
                .block(Duration.ofSeconds(60));

        assertThat(statuses).hasSize(50);
        assertThat(statuses).filteredOn(HttpStatus.CREATED::equals).hasSize(1);
        assertThat(statuses).filteredOn(HttpStatus.CONFLICT::equals).hasSize(49);
        assertThat(usersWithEmail(email)).isEqualTo(1);
        onlyMessageFor(email);
    }

    @Test
    void retriedPostWithTheSameIdempotencyKeyGetsTheSameResponseAndCreatesNothingNew() {
        String email = unique("retry") + "@example.com";
        String key = UUID.randomUUID().toString();
        String body = "{\"name\":\"Retry\",\"email\":\"" + email + "\"}";
        String first = postWithKey(key, body).expectStatus().isCreated()
                .expectBody(String.class).returnResult().getResponseBody();
        String second = postWithKey(key, body).expectStatus().isCreated()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(json.readTree(second)).isEqualTo(json.readTree(first));
        assertThat(usersWithEmail(email)).isEqualTo(1);
        onlyMessageFor(email);
    }

    @Test
    void sameIdempotencyKeyWithAnotherBodyGets422() {
        String key = UUID.randomUUID().toString();
        postWithKey(key, "{\"name\":\"One\",\"email\":\"" + unique("one") + "@example.com\"}").expectStatus().isCreated();
        String other = unique("other") + "@example.com";
        postWithKey(key, "{\"name\":\"Two\",\"email\":\"" + other + "\"}")
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.title").isEqualTo("Idempotency key reused");
        assertThat(usersWithEmail(other)).isZero();
    }

    @Test
    void unknownUserGets404() {
        http.get().uri("/users/" + UUID.randomUUID()).headers(this::reader).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.title").isEqualTo("User not found");
    }

    @Test
    void idThatCannotBeAUserIdGets400() {
        http.get().uri("/users/user_1732662000000000000").headers(this::reader).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.title").isEqualTo("Invalid user id");
    }

    @Test
    void claimLeftByACrashedSignUpIsRepairedByTheNextOne() {
        String email = unique("crash") + "@example.com";
        // What a crash between the email claim and the user write leaves behind, for another sign-up.
        Instant then = Instant.now().minus(Duration.ofMinutes(5));
        clients().dynamo().putItem(put -> put.tableName(table()).item(Map.of(
                Table.PK, AttributeValue.fromS("EMAIL#" + email),
                Table.SK, AttributeValue.fromS("CLAIM"),
                "status", AttributeValue.fromS("IN_PROGRESS"),
                "token", AttributeValue.fromS("crashed-attempt"),
                "owner", AttributeValue.fromS("REQUEST#" + UUID.randomUUID()),
                "userId", AttributeValue.fromS(UUID.randomUUID().toString()),
                "created", AttributeValue.fromS(then.toString()),
                "claimedAt", AttributeValue.fromS(then.toString()))));

        String id = post("{\"name\":\"Survivor\",\"email\":\"" + email + "\"}").expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("user").get("id").asString();

        assertThat(clients().dynamo().getItem(get -> get.tableName(table()).key(Map.of(
                Table.PK, AttributeValue.fromS("EMAIL#" + email),
                Table.SK, AttributeValue.fromS("CLAIM")))).item().get("userId").s()).isEqualTo(id);
    }

    /** A token that may read any user, such as a support tool's. */
    void reader(HttpHeaders headers) {
        headers.setBearerAuth(TokenIssuer.shared().token("support-tool", "users:read"));
    }

    WebTestClient.ResponseSpec post(String body) {
        return http.post().uri("/users").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    WebTestClient.ResponseSpec postWithKey(String key, String body) {
        return http.post().uri("/users").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    Map<String, AttributeValue> userItem(String id) {
        return clients().dynamo().getItem(get -> get.tableName(table()).consistentRead(true).key(Map.of(
                Table.PK, AttributeValue.fromS("USER#" + id), Table.SK, AttributeValue.fromS("PROFILE")))).item();
    }

    /** Test-only scan: the API itself never scans. */
    long usersWithEmail(String email) {
        return clients().dynamo().scanPaginator(scan -> scan.tableName(table()).consistentRead(true)
                        .filterExpression("sk = :profile AND email = :email")
                        .expressionAttributeValues(Map.of(":profile", AttributeValue.fromS("PROFILE"),
                                ":email", AttributeValue.fromS(email))))
                .items().stream().count();
    }

    /** Receives what the queue holds for this address within a few seconds (none expected: nothing to wait for). */
    List<Message> messagesFor(String email) {
        return clients().sqs().receiveMessage(r -> r.queueUrl(queueUrl()).maxNumberOfMessages(10).waitTimeSeconds(2)
                        .visibilityTimeout(0)).messages().stream()
                .filter(m -> m.body().contains("\"" + email + "\"")).toList();
    }

    /** Drains the queue and answers the one welcome for this address, failing if there are more. */
    Message onlyMessageFor(String email) {
        List<Message> mine = new java.util.ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(5);
        while (Instant.now().isBefore(deadline)) {
            List<Message> batch = clients().sqs().receiveMessage(r -> r.queueUrl(queueUrl())
                    .maxNumberOfMessages(10).waitTimeSeconds(1).visibilityTimeout(30)).messages();
            batch.stream().filter(m -> m.body().contains("\"" + email + "\"")).forEach(mine::add);
            if (batch.isEmpty() && !mine.isEmpty()) {
                break;
            }
        }
        assertThat(mine).as("welcome messages for " + email).hasSize(1);
        return mine.getFirst();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
