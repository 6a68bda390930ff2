package dev.serverlessapp.benchmark;

import dev.serverlessapp.contract.EmailClaimItem;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.contract.UserItem;
import dev.serverlessapp.contract.WelcomeMessage;
import dev.serverlessapp.support.claim.ClaimRequest;
import dev.serverlessapp.support.claim.Claims;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.workloads.Fixtures;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * What user-api's backends allow: the calls of one sign-up (UserService.create: claim the email with a
 * conditional put, put the user if absent, complete the claim, send the welcome to SQS) driven directly
 * from this JVM with the same SDK clients and HTTP client, the same concurrency, against the same
 * emulators. The items and the message are the ones user-api writes (UserTable.put, WelcomeQueue), index
 * attribute and trace attribute included: an item an index files costs dynalite more than a bare one. user-api's own throughput is reported as a share of this ceiling, measured in the same
 * round on a fresh table.
 */
final class UserApiCeiling implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder().build();
    private final DynamoDbAsyncClient dynamo;
    private final SqsAsyncClient sqs;
    private final String queueUrl;

    UserApiCeiling(Fixtures fixtures, String anyTable) {
        Map<String, String> env = fixtures.environment(anyTable);
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(Backends.ACCESS_KEY,
                Backends.SECRET_KEY));
        this.dynamo = DynamoDbAsyncClient.builder().region(Region.of(Backends.REGION)).credentialsProvider(credentials)
                .httpClient(http).endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_DYNAMODB"))).build();
        this.sqs = SqsAsyncClient.builder().region(Region.of(Backends.REGION)).credentialsProvider(credentials)
                .httpClient(http).endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_SQS"))).build();
        this.queueUrl = fixtures.emailQueueUrl();
    }

    /** What one measured pass achieved: sign-ups per second, and where the machine's CPU went. */
    record Result(double signUpsPerSecond, CpuSplit cpu) {
    }

    /** Sign-ups on {@code table}: a first pass warms this JVM and the emulators, the second is measured. */
    Result measure(String table, int count, int concurrency) throws InterruptedException {
        Claims claims = new Claims(dynamo, table, Clock.systemUTC());
        String run = UUID.randomUUID().toString();
        run(claims, table, run + "-warm", count, concurrency);
        CpuSplit.Meter meter = CpuSplit.start(() -> 0);
        double signUpsPerSecond = run(claims, table, run, count, concurrency);
        return new Result(signUpsPerSecond, meter.perRequest(count));
    }

    private double run(Claims claims, String table, String run, int count, int concurrency) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicLong failures = new AtomicLong();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long started = System.nanoTime();
        for (int n = 0; n < count; n++) {
            inFlight.acquire();
            pending.add(signUp(claims, table, "ceiling-" + run + "-" + n + "@example.com").toFuture()
                    .whenComplete((done, error) -> {
                        if (error != null) {
                            failures.incrementAndGet();
                        }
                        inFlight.release();
                    }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                .completeOnTimeout(null, 2, TimeUnit.MINUTES).join();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + count + " sign-ups failed in the ceiling run");
        }
        return count / seconds;
    }

    /** The backend calls of one new sign-up, in UserService's order, with the item and message user-api sends. */
    private Mono<Void> signUp(Claims claims, String table, String email) {
        String id = UUID.randomUUID().toString();
        Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ClaimRequest claim = ClaimRequest.of(EmailClaimItem.pk(email), EmailClaimItem.SK).ownedBy("REQUEST#" + UUID.randomUUID())
                .with(Map.of(EmailClaimItem.USER_ID, AttributeValue.fromS(id),
                        EmailClaimItem.CREATED, AttributeValue.fromS(created.toString())));
        Map<String, AttributeValue> user = Map.of(
                Table.PK, AttributeValue.fromS(UserItem.pk(id)),
                Table.SK, AttributeValue.fromS(UserItem.SK),
                UserItem.ID, AttributeValue.fromS(id),
                UserItem.NAME, AttributeValue.fromS("Bench User"),
                UserItem.EMAIL, AttributeValue.fromS(email),
                UserItem.CREATED, AttributeValue.fromS(created.toString()),
                Table.ACTIVITY_PK, AttributeValue.fromS(UserItem.createdIn(created)),
                Table.ACTIVITY_SK, AttributeValue.fromS(UserItem.pk(id)));
        String welcome = JSON.writeValueAsString(WelcomeMessage.to(id, "Bench User", email));
        String traceparent = "00-" + UUID.randomUUID().toString().replace("-", "") + "-"
                + UUID.randomUUID().toString().replace("-", "").substring(16) + "-01";
        return claims.acquire(claim)
                .flatMap(attempt -> attempt instanceof Claims.Attempt.Acquired acquired
                        ? Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table).item(user)
                                        .conditionExpression("attribute_not_exists(pk)")))
                                .then(Mono.defer(() -> claims.complete(acquired.claim(), Map.of())))
                        : Mono.error(new IllegalStateException("The email was claimed before: " + email)))
                .then(Mono.fromFuture(() -> sqs.sendMessage(send -> send.queueUrl(queueUrl).messageBody(welcome)
                        .messageAttributes(Map.of("traceparent", MessageAttributeValue.builder().dataType("String")
                                .stringValue(traceparent).build())))))
                .then();
    }

    @Override
    public void close() {
        dynamo.close();
        sqs.close();
        http.close();
    }
}
