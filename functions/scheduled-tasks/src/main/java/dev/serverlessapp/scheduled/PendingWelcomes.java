package dev.serverlessapp.scheduled;

import dev.serverlessapp.support.observability.SqsTraceAttributes;
import dev.serverlessapp.support.observability.TraceContext;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.support.table.TableProperties;
import dev.serverlessapp.support.text.PortableText;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Queues again the welcomes still pending after the grace period. user-api files each new user
 * under {@code WELCOME_DUE#<hour>} in the {@code due} index and email-worker removes that mark when
 * the welcome is sent, so what is left in a past hour's bucket is exactly what is overdue.
 * <p>
 * Each overdue welcome is sent, then its due mark moves one grace period on: a welcome that keeps
 * failing comes back every hour and is never lost. Delivery to the queue is at least once (a crash
 * between the send and the move sends it again next time); email-worker sends one welcome per user.
 * A user whose welcome can never be queued (an item without an email, a name SQS refuses to carry) is
 * parked with {@code welcome=PARKED} ({@link ParkedItems}); the others are queued all the same.
 */
@Component
class PendingWelcomes implements HourlyTask {

    private static final Logger log = LoggerFactory.getLogger(PendingWelcomes.class);
    private static final int CONCURRENT_WELCOMES = 8;
    static final String TASK = "welcomes";
    static final String PENDING = "PENDING";
    static final String PARKED = "PARKED";
    /** A parked user's welcome is {@code PARKED}, unless it was settled meanwhile. */
    private static final ParkedItems.Parking PARKING = new ParkedItems.Parking("welcome = :parkedWelcome",
            "welcome = :pendingWelcome", Map.of(":parkedWelcome", AttributeValue.fromS(PARKED),
                    ":pendingWelcome", AttributeValue.fromS(PENDING)));
    static final String REQUEUED_AT = "welcomeRequeuedAt";

    /** The message on the email queue, in the shape user-api sends. */
    record WelcomeMessage(String type, String to, String subject, String body, String userId) {
        /**
         * The welcome for the user, or a {@link BadItem} when its text cannot travel: SQS refuses a lone
         * surrogate, and email-worker refuses what a mail cannot carry (the same {@link PortableText} rule),
         * so queueing it would only have it refused again every hour.
         */
        static WelcomeMessage to(PendingUser user) {
            PortableText.singleLineProblem(user.name()).or(() -> PortableText.singleLineProblem(user.email()))
                    .ifPresent(problem -> {
                        throw new BadItem("unportable-text", "its name or email " + problem);
                    });
            return new WelcomeMessage("welcome", user.email(), "Welcome to our platform!",
                    "Hello " + user.name() + ", welcome to our platform!", user.id());
        }
    }

    /** A user item read from a due bucket; {@code lastQueued} is when the grace period started. */
    record PendingUser(Map<String, AttributeValue> key, String id, String name, String email, String welcome,
            Instant lastQueued) {

        /** The user, or a {@link BadItem} naming what is missing: nothing a retry could mend. */
        static PendingUser of(Map<String, AttributeValue> item) {
            String id = text(item, "id");
            String name = text(item, "name");
            String email = text(item, "email");
            String welcome = text(item, "welcome");
            // The grace runs from creation, then from each re-queue.
            String lastQueued = item.containsKey(REQUEUED_AT) ? text(item, REQUEUED_AT) : text(item, "created");
            if (Stream.of(id, name, email, welcome, lastQueued).anyMatch(Objects::isNull)) {
                throw new BadItem("malformed-item", "a user item needs the strings id, name, email, welcome and created");
            }
            try {
                return new PendingUser(Map.of(AppTable.PK, item.get(AppTable.PK), AppTable.SK, item.get(AppTable.SK)),
                        id, name, email, welcome, Instant.parse(lastQueued));
            } catch (DateTimeParseException e) {
                throw new BadItem("malformed-item", "its created or " + REQUEUED_AT + " is not a timestamp");
            }
        }

        private static String text(Map<String, AttributeValue> item, String name) {
            AttributeValue value = item.get(name);
            return value == null ? null : value.s();
        }
    }

    private final DynamoDbAsyncClient dynamo;
    private final SqsAsyncClient sqs;
    private final JsonMapper json;
    private final String table;
    private final String queueUrl;
    private final Duration grace;
    private final TraceContext traceContext;
    private final ParkedItems parked;

    PendingWelcomes(DynamoDbAsyncClient dynamo, SqsAsyncClient sqs, JsonMapper json, TableProperties table,
            WelcomeProperties welcomes, TraceContext traceContext, ParkedItems parked) {
        this.dynamo = dynamo;
        this.parked = parked;
        this.traceContext = traceContext;
        this.sqs = sqs;
        this.json = json;
        this.table = table.name();
        this.queueUrl = welcomes.emailQueueUrl();
        this.grace = welcomes.grace();
    }

    @Override
    public String cursor() {
        return "lastWelcomeHour";
    }

    @Override
    public List<Instant> hours(Optional<Instant> lastDone, Instant now, int catchupHours) {
        return Hours.dueBuckets(lastDone, now, catchupHours);
    }

    @Override
    public Mono<Void> run(Instant hour, Instant now) {
        return filedUnder(hour)
                .flatMap(item -> parked.isolate(TASK, item, PARKING, () -> handle(PendingUser.of(item), hour, now)),
                        CONCURRENT_WELCOMES)
                .then();
    }

    private Mono<Void> handle(PendingUser user, Instant bucket, Instant now) {
        if (!PENDING.equals(user.welcome())) {
            // A sent welcome loses its mark; one still seen here is the index lagging behind.
            return Mono.empty();
        }
        Instant due = user.lastQueued().plus(grace);
        if (!due.isAfter(now)) {
            Instant next = Hours.dueBucket(now.plus(grace), now);
            return send(user)
                    .then(markRequeued(user, bucket, next, now))
                    .doOnSuccess(done -> log.info("Queued the pending welcome for user {} again; next check {}",
                            user.id(), AppTable.hour(next)));
        }
        // Not overdue yet (its hour is still running, or WELCOME_GRACE is longer here than in user-api):
        // keep it filed under the hour it falls due by.
        Instant fallsDue = Hours.dueBucket(due, now);
        return fallsDue.equals(bucket) ? Mono.empty() : moveDue(user, bucket, fallsDue, "SET #due = :next", Map.of());
    }

    private Flux<Map<String, AttributeValue>> filedUnder(Instant hour) {
        return Flux.from(dynamo.queryPaginator(query -> query.tableName(table)
                .indexName(AppTable.DUE_INDEX)
                .keyConditionExpression("#due = :bucket")
                .expressionAttributeNames(Map.of("#due", AppTable.DUE_PK))
                .expressionAttributeValues(Map.of(":bucket", AttributeValue.fromS(welcomeDue(hour)))))
                .items());
    }

    /** With the hourly run's trace context, so that email-worker's send shows up in the same trace. */
    private Mono<Void> send(PendingUser user) {
        String body = json.writeValueAsString(WelcomeMessage.to(user));
        return traceContext.current()
                .flatMap(trace -> Mono.fromFuture(() -> sqs.sendMessage(send -> send.queueUrl(queueUrl)
                        .messageBody(body).messageAttributes(SqsTraceAttributes.of(trace)))))
                .then();
    }

    /** Sent again: the grace period starts over, and the count of re-queues grows. */
    private Mono<Void> markRequeued(PendingUser user, Instant bucket, Instant next, Instant now) {
        return moveDue(user, bucket, next, "SET #due = :next, " + REQUEUED_AT + " = :now ADD welcomeRequeues :one",
                Map.of(":now", AttributeValue.fromS(now.toString()), ":one", AttributeValue.fromN("1")));
    }

    /**
     * Moves the user's due mark from {@code bucket} to {@code next}, unless email-worker sent the
     * welcome meanwhile or another run moved it first.
     */
    private Mono<Void> moveDue(PendingUser user, Instant bucket, Instant next, String update,
            Map<String, AttributeValue> updateValues) {
        Map<String, AttributeValue> values = new HashMap<>(updateValues);
        values.put(":next", AttributeValue.fromS(welcomeDue(next)));
        values.put(":bucket", AttributeValue.fromS(welcomeDue(bucket)));
        values.put(":pending", AttributeValue.fromS(PENDING));
        return Mono.fromFuture(() -> dynamo.updateItem(move -> move.tableName(table).key(user.key())
                        .updateExpression(update)
                        .conditionExpression("#welcome = :pending AND #due = :bucket")
                        .expressionAttributeNames(Map.of("#due", AppTable.DUE_PK, "#welcome", "welcome"))
                        .expressionAttributeValues(values)))
                .then()
                .onErrorResume(ConditionalCheckFailedException.class, handled -> Mono.empty());
    }

    static String welcomeDue(Instant hour) {
        return "WELCOME_DUE#" + AppTable.hour(hour);
    }
}
