package dev.serverlessapp.scheduled;

import dev.serverlessapp.contract.CursorItem;
import dev.serverlessapp.contract.RequeueItem;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.contract.UserItem;
import dev.serverlessapp.contract.WelcomeItem;
import dev.serverlessapp.contract.WelcomeMessage;
import dev.serverlessapp.support.claim.Claim;
import dev.serverlessapp.support.claim.Claims;
import dev.serverlessapp.support.observability.SqsTraceAttributes;
import dev.serverlessapp.support.observability.TraceContext;
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
 * Queues again the welcomes still pending after the grace period. A welcome is pending until
 * email-worker settles it on its item ({@link WelcomeItem}: sent, or refused for good); this task only
 * reads that item, and keeps its own record of the welcomes it re-queues ({@link RequeueItem}).
 * <ul>
 *   <li>Each new user is looked at once, when the hour it signed up in is over: user-api files it under
 *       {@code CREATED#<hour>} in the activity index.</li>
 *   <li>A welcome found pending and overdue is sent to the email queue again; either way its re-queue
 *       record is filed under {@code WELCOME_DUE#<hour>}, the hour it falls due (again), and looked at
 *       then. A welcome that keeps failing comes back every grace period and is never lost.</li>
 *   <li>A re-queue record whose welcome is settled leaves the due index.</li>
 * </ul>
 * Delivery to the queue is at least once (a crash between the send and the record sends it again next
 * time); email-worker sends one welcome per user. A user whose welcome can never be queued (an item
 * without an email, a name SQS refuses to carry) is parked ({@link ParkedItems}); the others are queued
 * all the same.
 */
@Component
class PendingWelcomes implements HourlyTask {

    private static final Logger log = LoggerFactory.getLogger(PendingWelcomes.class);
    private static final int CONCURRENT_WELCOMES = 8;
    static final String TASK = "welcomes";

    /** A user whose welcome is pending, and since when its grace period runs: its creation, or the last re-queue. */
    record PendingUser(String id, String name, String email, Instant lastQueued) {

        /** The user, or a {@link BadItem} naming what is missing: nothing a retry could mend. */
        static PendingUser of(Map<String, AttributeValue> profile, Optional<Map<String, AttributeValue>> requeue) {
            String id = text(profile, UserItem.ID);
            String name = text(profile, UserItem.NAME);
            String email = text(profile, UserItem.EMAIL);
            String lastQueued = requeue.map(item -> text(item, RequeueItem.REQUEUED_AT))
                    .orElseGet(() -> text(profile, UserItem.CREATED));
            if (Stream.of(id, name, email, lastQueued).anyMatch(Objects::isNull)) {
                throw new BadItem("malformed-item", "a user item needs the strings id, name, email and created");
            }
            try {
                return new PendingUser(id, name, email, Instant.parse(lastQueued));
            } catch (DateTimeParseException e) {
                throw new BadItem("malformed-item", "its created or " + RequeueItem.REQUEUED_AT + " is not a timestamp");
            }
        }

        /**
         * The welcome for the user, or a {@link BadItem} when its text cannot travel: SQS refuses a lone
         * surrogate, and email-worker refuses what a mail cannot carry (the same {@link PortableText} rule),
         * so queueing it would only have it refused again every hour.
         */
        WelcomeMessage welcome() {
            PortableText.singleLineProblem(name).or(() -> PortableText.singleLineProblem(email))
                    .ifPresent(problem -> {
                        throw new BadItem("unportable-text", "its name or email " + problem);
                    });
            return WelcomeMessage.to(id, name, email);
        }

        private static String text(Map<String, AttributeValue> item, String name) {
            AttributeValue value = item.get(name);
            return value == null ? null : value.s();
        }
    }

    private final DynamoDbAsyncClient dynamo;
    private final Claims claims;
    private final SqsAsyncClient sqs;
    private final JsonMapper json;
    private final String table;
    private final String queueUrl;
    private final Duration grace;
    private final TraceContext traceContext;
    private final ParkedItems parked;

    PendingWelcomes(DynamoDbAsyncClient dynamo, Claims claims, SqsAsyncClient sqs, JsonMapper json,
            TableProperties table, WelcomeProperties welcomes, TraceContext traceContext, ParkedItems parked) {
        this.dynamo = dynamo;
        this.claims = claims;
        this.sqs = sqs;
        this.json = json;
        this.table = table.name();
        this.queueUrl = welcomes.emailQueueUrl();
        this.grace = welcomes.grace();
        this.traceContext = traceContext;
        this.parked = parked;
    }

    @Override
    public String cursor() {
        return CursorItem.LAST_WELCOME_HOUR;
    }

    @Override
    public List<Instant> hours(Optional<Instant> lastDone, Instant now, int catchupHours) {
        return Hours.dueBuckets(lastDone, now, catchupHours);
    }

    /**
     * The welcomes to look at in a due bucket: those filed there, and, once the bucket's hour has begun,
     * the users created in the hour before it (the cursor passes the bucket at that moment too). Each
     * user once: its re-queue record, if it is filed here, stands for it.
     */
    @Override
    public Mono<Void> run(Instant hour, Instant now) {
        Flux<Map<String, AttributeValue>> newUsers = Hours.isDone(hour, now) ? createdIn(hour.minus(Hours.HOUR)) : Flux.empty();
        return Flux.concat(filedUnder(hour), newUsers)
                .distinct(entry -> entry.get(Table.PK).s())
                .flatMap(entry -> parked.isolate(TASK, entry, () -> check(entry, hour, now)), CONCURRENT_WELCOMES)
                .then();
    }

    /** A new user (its profile), or a re-queue record; users from before re-queue records have their profile filed here. */
    private Mono<Void> check(Map<String, AttributeValue> entry, Instant bucket, Instant now) {
        String userId = UserItem.userId(entry.get(Table.PK).s());
        boolean requeued = RequeueItem.SK.equals(entry.get(Table.SK).s());
        return isSettled(userId).flatMap(settled -> {
            if (settled) {
                return requeued ? unfile(userId, bucket) : Mono.empty();
            }
            Mono<Optional<Map<String, AttributeValue>>> requeue = requeued ? Mono.just(Optional.of(entry)) : read(userId, RequeueItem.SK);
            return requeue.flatMap(existing -> !requeued && existing.isPresent()
                    // Looked at before (a repeated run): its re-queue record is filed where it falls due.
                    ? Mono.empty()
                    : read(userId, UserItem.SK).flatMap(profile -> pending(PendingUser.of(profile
                            .orElseThrow(() -> new BadItem("malformed-item", "there is no user item for it")), existing),
                            requeued ? bucket : null, now)));
        });
    }

    /** Sent, or refused for good: email-worker's welcome item is completed. */
    private Mono<Boolean> isSettled(String userId) {
        return claims.read(new Claim.Key(UserItem.pk(userId), WelcomeItem.SK))
                .map(welcome -> welcome.filter(Claim::isCompleted).isPresent());
    }

    /** Queues the welcome again if it is overdue; files its record under the hour it falls due (again). */
    private Mono<Void> pending(PendingUser user, Instant filedUnder, Instant now) {
        Instant due = user.lastQueued().plus(grace);
        if (!due.isAfter(now)) {
            Instant next = Hours.dueBucket(now.plus(grace), now);
            return send(user)
                    .then(file(user.id(), filedUnder, next, now))
                    .doOnSuccess(done -> log.info("Queued the pending welcome for user {} again; next check {}",
                            user.id(), Table.hour(next)));
        }
        // Not overdue yet: its sign-up hour has just ended, or WELCOME_GRACE is longer than an hour.
        Instant fallsDue = Hours.dueBucket(due, now);
        return fallsDue.equals(filedUnder) ? Mono.empty() : file(user.id(), filedUnder, fallsDue, null);
    }

    private Flux<Map<String, AttributeValue>> createdIn(Instant hour) {
        return filed(Table.ACTIVITY_INDEX, Table.ACTIVITY_PK, UserItem.createdIn(hour));
    }

    private Flux<Map<String, AttributeValue>> filedUnder(Instant hour) {
        return filed(Table.DUE_INDEX, Table.DUE_PK, RequeueItem.dueIn(hour));
    }

    /** The items an index files under one key. */
    private Flux<Map<String, AttributeValue>> filed(String index, String keyAttribute, String key) {
        return Flux.from(dynamo.queryPaginator(query -> query.tableName(table)
                .indexName(index)
                .keyConditionExpression("#key = :key")
                .expressionAttributeNames(Map.of("#key", keyAttribute))
                .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(key))))
                .items());
    }

    private Mono<Optional<Map<String, AttributeValue>>> read(String userId, String sk) {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).consistentRead(true)
                        .key(key(userId, sk))))
                .map(found -> found.hasItem() && !found.item().isEmpty() ? Optional.of(found.item()) : Optional.empty());
    }

    /** With the hourly run's trace context, so that email-worker's send shows up in the same trace. */
    private Mono<Void> send(PendingUser user) {
        String body = json.writeValueAsString(user.welcome());
        return traceContext.current()
                .flatMap(trace -> Mono.fromFuture(() -> sqs.sendMessage(send -> send.queueUrl(queueUrl)
                        .messageBody(body).messageAttributes(SqsTraceAttributes.of(trace)))))
                .then();
    }

    /**
     * Files the user's re-queue record under {@code next}, and counts a re-queue at {@code requeuedAt}
     * unless that is null. The write is conditional on the record being where this run found it (filed
     * under {@code filedUnder}, or, null, not there yet), so that of two runs one moves it.
     */
    private Mono<Void> file(String userId, Instant filedUnder, Instant next, Instant requeuedAt) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":next", AttributeValue.fromS(RequeueItem.dueIn(next)), ":user", AttributeValue.fromS(UserItem.pk(userId))));
        String update = "SET #due = :next, #dueSk = :user";
        if (requeuedAt != null) {
            update += ", #requeuedAt = :now ADD #requeues :one";
            values.put(":now", AttributeValue.fromS(requeuedAt.toString()));
            values.put(":one", AttributeValue.fromN("1"));
        }
        String condition = filedUnder == null ? "attribute_not_exists(#pk)" : "#due = :bucket";
        if (filedUnder != null) {
            values.put(":bucket", AttributeValue.fromS(RequeueItem.dueIn(filedUnder)));
        }
        return update(userId, update, condition, values);
    }

    /** The welcome is settled: its record leaves the due index. */
    private Mono<Void> unfile(String userId, Instant filedUnder) {
        return update(userId, "REMOVE #due, #dueSk", "#due = :bucket",
                Map.of(":bucket", AttributeValue.fromS(RequeueItem.dueIn(filedUnder))));
    }

    private Mono<Void> update(String userId, String update, String condition, Map<String, AttributeValue> values) {
        Map<String, String> names = new HashMap<>(Map.of("#due", Table.DUE_PK, "#dueSk", Table.DUE_SK));
        if (condition.contains("#pk")) {
            names.put("#pk", Table.PK);
        }
        if (update.contains("#requeues")) {
            names.put("#requeuedAt", RequeueItem.REQUEUED_AT);
            names.put("#requeues", RequeueItem.REQUEUES);
        }
        return Mono.fromFuture(() -> dynamo.updateItem(item -> item.tableName(table).key(key(userId, RequeueItem.SK))
                        .updateExpression(update)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)))
                .then()
                // Another run moved it first.
                .onErrorResume(ConditionalCheckFailedException.class, moved -> Mono.empty());
    }

    private static Map<String, AttributeValue> key(String userId, String sk) {
        return Map.of(Table.PK, AttributeValue.fromS(UserItem.pk(userId)), Table.SK, AttributeValue.fromS(sk));
    }
}
