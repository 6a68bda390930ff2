package dev.serverlessapp.scheduled;

import static dev.serverlessapp.scheduled.AppItems.n;
import static dev.serverlessapp.scheduled.AppItems.s;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.AwsTestClients;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.testing.ConfigurationProxies;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hourly job over HTTP, fed real PingSource events, against dynalite, ElasticMQ and S3Proxy.
 * Each scenario sets the clock to its own day and starts from a fresh cursor, so the scenarios share
 * the table, queue and bucket of this class without seeing each other's hours.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// A run catching up several hours makes dozens of backend calls; on a busy machine that exceeds the 5 s default.
@AutoConfigureWebTestClient(timeout = "PT30S")
@Import(SettableClock.Config.class)
@ExtendWith(OutputCaptureExtension.class)
class HourlyJobTest {

    @Autowired
    ApplicationContext applicationContext;

    @Test
    void startsWithoutSubclassingAConfigurationClass() {
        // Issue 15: each CGLIB subclass is paid for at every cold start.
        assertThat(ConfigurationProxies.in(applicationContext)).isEmpty();
    }

    static final String TABLE = "scheduled-" + UUID.randomUUID();
    static final String BUCKET = "reports-" + UUID.randomUUID();
    static final int CATCHUP_HOURS = 6;
    static final AtomicInteger scenarios = new AtomicInteger();
    static String queueUrl;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        LocalBackends backends = LocalBackends.shared();
        backends.springProperties(Backends.Service.DYNAMODB, Backends.Service.SQS, Backends.Service.S3)
                .forEach((name, value) -> registry.add(name, () -> value));
        AwsTestClients clients = backends.clients();
        clients.createTable(AppTable.createTableRequest(TABLE));
        clients.createBucket(BUCKET);
        queueUrl = clients.createQueue("email-" + UUID.randomUUID());
        registry.add("app.table.name", () -> TABLE);
        registry.add("reports.bucket", () -> BUCKET);
        registry.add("reports.catchup-hours", () -> CATCHUP_HOURS);
        registry.add("welcomes.email-queue-url", () -> queueUrl);
        registry.add("welcomes.grace", () -> "PT15M");
    }

    static AppItems items;
    static S3Client s3;
    static SqsClient sqs;

    @Autowired
    WebTestClient http;
    @Autowired
    SettableClock clock;
    @Autowired
    IdempotencyStore idempotency;
    @Autowired
    JsonMapper json;
    @Autowired
    MeterRegistry meters;

    /** Midnight of this scenario's own day: ten days from every other scenario's. */
    Instant day;

    @BeforeAll
    static void clients() {
        AwsTestClients clients = LocalBackends.shared().clients();
        items = new AppItems(clients.dynamo(), TABLE);
        s3 = clients.s3();
        sqs = clients.sqs();
    }

    @BeforeEach
    void freshScenario() {
        day = Instant.parse("2031-01-01T00:00:00Z").plus(Duration.ofDays(10L * scenarios.incrementAndGet()));
        items.resetJobCursor();
        sqs.purgeQueue(purge -> purge.queueUrl(queueUrl));
    }

    Instant at(String timeOfDay) {
        return day.plus(Duration.between(Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("1970-01-01T" + timeOfDay + "Z")));
    }

    @Test
    void expiredIdempotencyRecordsAreDeletedAndUnexpiredOnesKept() {
        // Written by the real store at 10:00, as every function writes them.
        clock.set(at("10:00:00"));
        remember("expired-at-10:30", Duration.ofMinutes(30));
        remember("expired-at-11:30", Duration.ofMinutes(90));
        remember("expired-at-12:00:10", Duration.ofMinutes(120).plusSeconds(10));
        remember("expires-at-15:00", Duration.ofHours(5));
        // Filed under 11:00 but refreshed since to expire tomorrow; the index has not caught up yet.
        items.put(Map.of(Table.PK, s("IDEMPOTENCY#refreshed-" + day), Table.SK, s("IDEMPOTENCY"),
                "key", s("refreshed"), Table.EXPIRES_AT, n(at("10:00:00").plus(Duration.ofDays(1)).getEpochSecond()),
                Table.DUE_PK, s("EXPIRES#" + Table.hour(at("11:00:00"))),
                Table.DUE_SK, s("IDEMPOTENCY#refreshed-" + day)));

        clock.set(at("12:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();

        assertThat(idempotencyRecord("expired-at-10:30")).isEmpty();
        assertThat(idempotencyRecord("expired-at-11:30")).isEmpty();
        // Filed under 13:00, but already past: the bucket of the running hour is swept too.
        assertThat(idempotencyRecord("expired-at-12:00:10")).isEmpty();
        assertThat(idempotencyRecord("expires-at-15:00")).isNotEmpty();
        assertThat(items.get("IDEMPOTENCY#refreshed-" + day, "IDEMPOTENCY")).isNotEmpty();
    }

    @Test
    void pendingWelcomePastGraceIsQueuedAgainAndFiledUnderItsNextHour() {
        // Created 10:20 (due 10:35); user-api's send was lost, so email-worker never settled it.
        String ann = "ann-" + day.getEpochSecond();
        items.user(ann, "Ann", at("10:20:00"));
        Map<String, AttributeValue> profile = items.user(ann);

        clock.set(at("11:00:30"));
        Pings.structured(http, Pings.newId()).expectStatus().isAccepted()
                // No reply event: a reply would be published to the broker again.
                .expectHeader().doesNotExist("ce-type")
                .expectHeader().doesNotExist("ce-id");

        List<JsonNode> welcomes = receiveWelcomes();
        assertThat(welcomes).hasSize(1);
        JsonNode welcome = welcomes.getFirst();
        assertThat(welcome.get("type").asString()).isEqualTo("welcome");
        assertThat(welcome.get("to").asString()).isEqualTo(ann + "@example.com");
        assertThat(welcome.get("subject").asString()).isEqualTo("Welcome to our platform!");
        assertThat(welcome.get("body").asString()).isEqualTo("Hello Ann, welcome to our platform!");
        assertThat(welcome.get("userId").asString()).isEqualTo(ann);

        // The job's own record: checked again one grace period later (11:15:30 falls due by 12:00).
        Map<String, AttributeValue> requeue = items.requeue(ann);
        assertThat(requeue.get(Table.DUE_PK).s()).isEqualTo("WELCOME_DUE#" + Table.hour(at("12:00:00")));
        assertThat(requeue.get("requeues").n()).isEqualTo("1");
        assertThat(requeue.get("requeuedAt").s()).isEqualTo(at("11:00:30").toString());
        // user-api's item is user-api's: the job only reads it.
        assertThat(items.user(ann)).isEqualTo(profile);

        // Still not sent an hour later: queued again, and again filed one grace period on.
        clock.set(at("12:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();
        assertThat(receiveWelcomes()).extracting(message -> message.get("userId").asString()).containsExactly(ann);
        assertThat(items.requeue(ann).get(Table.DUE_PK).s()).isEqualTo("WELCOME_DUE#" + Table.hour(at("13:00:00")));
        assertThat(items.requeue(ann).get("requeues").n()).isEqualTo("2");
    }

    @Test
    void requeuedWelcomeContinuesThePingsTrace() {
        String bob = "bob-" + day.getEpochSecond();
        items.user(bob, "Bob", at("10:20:00"));
        String traceId = UUID.randomUUID().toString().replace("-", "");

        clock.set(at("11:00:30"));
        Pings.traced(http, Pings.newId(), "00-" + traceId + "-00f067aa0ba902b7-01").expectStatus().isAccepted();

        List<Message> messages = sqs.receiveMessage(receive -> receive.queueUrl(queueUrl)
                .maxNumberOfMessages(10).waitTimeSeconds(1).messageAttributeNames("All")).messages();
        assertThat(messages).hasSize(1);
        // email-worker's send joins the hourly run's trace through the SQS source (README: Metrics and traces).
        assertThat(messages.getFirst().messageAttributes()).as("message attributes").containsKey("traceparent");
        assertThat(messages.getFirst().messageAttributes().get("traceparent").stringValue())
                .startsWith("00-" + traceId + "-");
    }

    @Test
    void welcomeInsideGraceOrSettledIsNotQueued() {
        String suffix = "-" + day.getEpochSecond();
        // Created 10:50: due 11:05, still inside its grace at 11:00:30: filed under 12:00, not queued.
        items.user("bob" + suffix, "Bob", at("10:50:00"));
        // Queued again at 10:55 by an earlier run (and filed under 11:00): with our grace due only at 11:10.
        items.user("cem" + suffix, "Cem", at("09:00:00"));
        items.requeue("cem" + suffix, at("10:55:00"), at("11:00:00"));
        // Sent, or refused for good by the mail server: settled either way.
        items.user("dan" + suffix, "Dan", at("10:20:00"));
        items.welcomeSent("dan" + suffix, at("10:20:01"));
        items.user("eve" + suffix, "Eve", at("10:20:00"));
        items.welcomeRejected("eve" + suffix, at("10:20:01"));
        // Queued again before, then sent: its record leaves the due index.
        items.user("fay" + suffix, "Fay", at("09:00:00"));
        items.requeue("fay" + suffix, at("10:00:30"), at("11:00:00"));
        items.welcomeSent("fay" + suffix, at("10:00:40"));

        clock.set(at("11:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();

        assertThat(receiveWelcomes()).isEmpty();
        assertThat(items.requeue("bob" + suffix).get(Table.DUE_PK).s()).isEqualTo("WELCOME_DUE#" + Table.hour(at("12:00:00")));
        assertThat(items.requeue("bob" + suffix)).doesNotContainKeys("requeues", "requeuedAt");
        assertThat(items.requeue("cem" + suffix).get(Table.DUE_PK).s())
                .as("moved to the hour its grace ends by, so it is not passed by")
                .isEqualTo("WELCOME_DUE#" + Table.hour(at("12:00:00")));
        assertThat(items.requeue("cem" + suffix).get("requeues").n()).isEqualTo("1");
        assertThat(items.requeue("dan" + suffix)).isEmpty();
        assertThat(items.requeue("eve" + suffix)).isEmpty();
        assertThat(items.requeue("fay" + suffix)).doesNotContainKeys(Table.DUE_PK, Table.DUE_SK).containsKey("requeues");
    }

    /**
     * A user stored before welcomes had items of their own carries its pending mark on the profile, filed
     * in the due index: acted on once, then the job's own record takes over.
     */
    @Test
    void pendingMarkOnAProfileFromBeforeIsActedOnOnce() {
        String gil = "gil-" + day.getEpochSecond();
        items.put(Map.ofEntries(Map.entry(Table.PK, s("USER#" + gil)), Map.entry(Table.SK, s("PROFILE")),
                Map.entry("id", s(gil)), Map.entry("name", s("Gil")), Map.entry("email", s(gil + "@example.com")),
                Map.entry("created", s(at("03:00:00").toString())), Map.entry("welcome", s("PENDING")),
                Map.entry(Table.ACTIVITY_PK, s("CREATED#" + Table.hour(at("03:00:00")))),
                Map.entry(Table.ACTIVITY_SK, s("USER#" + gil)),
                Map.entry(Table.DUE_PK, s("WELCOME_DUE#" + Table.hour(at("11:00:00")))), Map.entry(Table.DUE_SK, s("USER#" + gil))));

        clock.set(at("11:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();
        assertThat(receiveWelcomes()).extracting(welcome -> welcome.get("userId").asString()).containsExactly(gil);
        assertThat(items.requeue(gil).get(Table.DUE_PK).s()).isEqualTo("WELCOME_DUE#" + Table.hour(at("12:00:00")));

        items.resetJobCursor();
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();
        assertThat(receiveWelcomes()).as("its re-queue record decides now").isEmpty();
    }

    @Test
    void brokenUserItemIsParkedAndTheOthersAreStillQueued() {
        String suffix = "-" + day.getEpochSecond();
        // No "created": nothing a retry could mend, so it must not fail the run.
        items.put(Map.of(Table.PK, s("USER#zed" + suffix), Table.SK, s("PROFILE"), "id", s("zed" + suffix),
                "name", s("Zed"), "email", s("zed@example.com"),
                Table.ACTIVITY_PK, s("CREATED#" + Table.hour(at("10:00:00"))), Table.ACTIVITY_SK, s("USER#zed" + suffix)));
        items.user("kai" + suffix, "Kai", at("10:20:00"));

        clock.set(at("11:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();

        assertThat(receiveWelcomes()).extracting(welcome -> welcome.get("userId").asString()).containsExactly("kai" + suffix);
        assertThat(items.get("JOB#hourly", "CURSOR").get("lastWelcomeHour").s()).isEqualTo(Table.hour(at("11:00:00")));
        Map<String, AttributeValue> parked = items.parked("welcomes", "USER#zed" + suffix, "PROFILE");
        assertThat(parked.get("parkedReason").s()).contains("created");
        assertThat(parked).containsKey("parkedAt");
        assertThat(items.requeue("zed" + suffix)).isEmpty();
    }

    /**
     * Issue 11: a user whose name holds a lone surrogate (stored by a sign-up before user-api refused
     * such text) made SQS refuse the re-queued welcome, so every hourly run answered 500 and no overdue
     * welcome was re-queued for anyone, hour after hour. The bad item is parked; the hour goes on.
     * (Should SQS refuse a welcome for its content all the same, the user is parked too: BadItemTest.)
     */
    @Test
    void onePoisonedUserLeavesEveryOtherWelcomeReportAndCleanUpOfTheHourDone(CapturedOutput output) {
        String suffix = "-" + day.getEpochSecond();
        String poisoned = "poisoned" + suffix;
        // Written straight into the table, as the pre-fix sign-up left it.
        items.user(poisoned, "\ud800x", at("10:20:00"));
        items.user("lea" + suffix, "Lea", at("10:21:00"));
        items.user("max" + suffix, "Max", at("10:22:00"));
        // An idempotency record due for clean-up in the same hour, and one whose expiry is no number.
        clock.set(at("10:00:00"));
        remember("expired-at-10:30", Duration.ofMinutes(30));
        String broken = "IDEMPOTENCY#broken" + suffix;
        Map<String, AttributeValue> brokenRecord = Map.of(Table.PK, s(broken), Table.SK, s("IDEMPOTENCY"),
                Table.EXPIRES_AT, s("soon"), Table.DUE_PK, s("EXPIRES#" + Table.hour(at("11:00:00"))), Table.DUE_SK, s(broken));
        items.put(brokenRecord);
        double failedBefore = failedItems("welcomes");

        clock.set(at("11:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();

        assertThat(receiveWelcomes()).extracting(welcome -> welcome.get("userId").asString())
                .containsExactlyInAnyOrder("lea" + suffix, "max" + suffix);
        assertThat(idempotencyRecord("expired-at-10:30")).isEmpty();
        assertThat(report(HourlyReports.key(at("10:00:00"))).get("usersCreated").asLong()).isEqualTo(3);
        Map<String, AttributeValue> cursor = items.get("JOB#hourly", "CURSOR");
        assertThat(cursor.get("lastWelcomeHour").s()).isEqualTo(Table.hour(at("11:00:00")));
        assertThat(cursor.get("lastCleanedHour").s()).isEqualTo(Table.hour(at("11:00:00")));
        assertThat(cursor.get("lastReportedHour").s()).isEqualTo(Table.hour(at("10:00:00")));

        // Parked: listed where an operator finds the parked items, with the reason; the items themselves
        // stay as they were, in hours the job has passed.
        assertThat(items.parked("welcomes", "USER#" + poisoned, "PROFILE").get("parkedReason").s())
                .contains("unpaired UTF-16 surrogate");
        assertThat(items.parked("cleanup", broken, "IDEMPOTENCY").get("parkedReason").s()).contains("expiresAt");
        assertThat(items.get(broken, "IDEMPOTENCY")).isEqualTo(brokenRecord);
        assertThat(items.requeue(poisoned)).isEmpty();
        // Visible to an operator: a WARN naming the item, and the metric.
        assertThat(output.getOut().lines().filter(line -> line.contains("\"WARN\"") && line.contains("USER#" + poisoned)))
                .isNotEmpty();
        assertThat(failedItems("welcomes")).isEqualTo(failedBefore + 1);

        // The next hour's run does not trip over it again.
        clock.set(at("12:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();
        assertThat(failedItems("welcomes")).isEqualTo(failedBefore + 1);
        assertThat(receiveWelcomes()).extracting(welcome -> welcome.get("userId").asString()).doesNotContain(poisoned);

        // Retried as README says: mend the user, file its welcome under an hour still to come, drop the record.
        var dynamo = LocalBackends.shared().clients().dynamo();
        dynamo.updateItem(update -> update.tableName(TABLE)
                .key(Map.of(Table.PK, s("USER#" + poisoned), Table.SK, s("PROFILE")))
                .updateExpression("SET #name = :name").expressionAttributeNames(Map.of("#name", "name"))
                .expressionAttributeValues(Map.of(":name", s("Pia"))));
        dynamo.putItem(put -> put.tableName(TABLE).item(Map.of(Table.PK, s("USER#" + poisoned), Table.SK, s("REQUEUE"),
                Table.DUE_PK, s("WELCOME_DUE#" + Table.hour(at("13:00:00"))), Table.DUE_SK, s("USER#" + poisoned))));
        items.delete("PARKED#welcomes", "USER#" + poisoned + "/PROFILE");
        clock.set(at("13:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();
        assertThat(receiveWelcomes()).extracting(welcome -> welcome.get("userId").asString()).contains(poisoned);
    }

    @Test
    void reportForAnHourHasItsCountsAndLandsAtItsKey() {
        String suffix = "-" + day.getEpochSecond();
        items.user("fay" + suffix, "Fay", at("10:05:00"));
        items.user("gus" + suffix, "Gus", at("10:40:00"));
        items.user("hal" + suffix, "Hal", at("11:00:00"));
        items.welcomeSent("fay" + suffix, at("10:06:00"));
        items.welcomeSent("gus" + suffix, at("10:59:59"));
        items.welcomeSent("old" + suffix, at("09:59:59"));
        items.fileProcessed("uploads", "a.png", "v1", at("10:00:00"));
        items.fileProcessed("uploads", "a.png", "v2", at("10:30:00"));
        items.fileProcessed("uploads", "b.txt", "v1", at("10:45:00"));
        items.fileProcessed("uploads", "c.txt", "v1", at("11:01:00"));

        clock.set(at("11:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();

        String key = HourlyReports.key(at("10:00:00"));
        assertThat(key).isEqualTo("reports/" + dayPath() + "/10.json");
        JsonNode report = report(key);
        assertThat(report.get("hour").asString()).isEqualTo(Table.hour(at("10:00:00")));
        assertThat(report.get("start").asString()).isEqualTo(at("10:00:00").toString());
        assertThat(report.get("end").asString()).isEqualTo(at("11:00:00").toString());
        assertThat(report.get("usersCreated").asLong()).isEqualTo(2);
        assertThat(report.get("welcomesSent").asLong()).isEqualTo(2);
        assertThat(report.get("filesProcessed").asLong()).isEqualTo(3);

        JsonNode before = report(HourlyReports.key(at("09:00:00")));
        assertThat(before.get("usersCreated").asLong()).isZero();
        assertThat(before.get("welcomesSent").asLong()).isEqualTo(1);
        assertThat(s3.headObject(head -> head.bucket(BUCKET).key(key)).contentType()).isEqualTo("application/json");
        assertThat(items.get("REPORT#" + Table.hour(at("10:00:00")), "REPORT").get("s3Key").s()).isEqualTo(key);
        // 11:00 is still running: its report waits for the next ping.
        assertThat(reportKeys()).doesNotContain(HourlyReports.key(at("11:00:00")));
    }

    @Test
    void missedPingsAreCaughtUpByTheNextOne() {
        clock.set(at("10:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();
        // A fresh install reports only the catch-up window, not every hour since 1970.
        assertThat(reportKeys()).containsExactlyElementsOf(keys("04", "05", "06", "07", "08", "09"));

        items.user("ivy-" + day.getEpochSecond(), "Ivy", at("12:30:00"));
        items.welcomeSent("ivy-" + day.getEpochSecond(), at("12:30:01"));
        // The pings for 11:00 to 15:00 never came.
        clock.set(at("15:00:30"));
        Pings.structured(http, Pings.newId()).expectStatus().isAccepted();

        assertThat(reportKeys()).containsExactlyElementsOf(
                keys("04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14"));
        assertThat(report(HourlyReports.key(at("12:00:00"))).get("usersCreated").asLong()).isEqualTo(1);
        assertThat(items.get("JOB#hourly", "CURSOR").get("lastReportedHour").s()).isEqualTo(Table.hour(at("14:00:00")));
    }

    @Test
    void aGapLongerThanTheCatchUpIsWorkedOffOverSeveralPings() {
        clock.set(at("06:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();
        assertThat(reportKeys()).hasSize(CATCHUP_HOURS).last().isEqualTo(HourlyReports.key(at("05:00:00")));

        // Fourteen hours without a ping: each run catches up at most CATCHUP_HOURS, oldest first.
        clock.set(at("20:00:30"));
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();
        assertThat(reportKeys()).hasSize(2 * CATCHUP_HOURS).last().isEqualTo(HourlyReports.key(at("11:00:00")));

        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();
        assertThat(reportKeys()).hasSize(3 * CATCHUP_HOURS).last().isEqualTo(HourlyReports.key(at("17:00:00")));
    }

    @Test
    void sameTickTwiceOrAnotherPingForTheSameHourWritesNothingTwice() {
        String jon = "jon-" + day.getEpochSecond();
        items.user(jon, "Jon", at("09:30:00"));
        String id = Pings.newId();

        clock.set(at("10:00:30"));
        Pings.binary(http, id).expectStatus().isAccepted();
        assertThat(receiveWelcomes()).hasSize(1);
        List<String> written = reportKeys();
        assertThat(written).hasSize(CATCHUP_HOURS);
        String last = HourlyReports.key(at("09:00:00"));
        Map<String, AttributeValue> marker = items.get("REPORT#" + Table.hour(at("09:00:00")), "REPORT");
        // Replaced behind the job's back: a second upload would overwrite it.
        s3.putObject(put -> put.bucket(BUCKET).key(last), RequestBody.fromString("untouched"));

        // The broker redelivers the same ping, then another ping arrives within the same hour.
        Pings.binary(http, id).expectStatus().isAccepted();
        clock.set(at("10:07:00"));
        Pings.structured(http, Pings.newId()).expectStatus().isAccepted();
        // And once more as if the cursor update had been lost after the uploads: the markers hold.
        items.resetJobCursor();
        Pings.binary(http, Pings.newId()).expectStatus().isAccepted();

        assertThat(receiveWelcomes()).isEmpty();
        assertThat(items.requeue(jon).get("requeues").n()).isEqualTo("1");
        assertThat(reportKeys()).isEqualTo(written);
        assertThat(s3.getObjectAsBytes(get -> get.bucket(BUCKET).key(last)).asUtf8String()).isEqualTo("untouched");
        assertThat(items.get("REPORT#" + Table.hour(at("09:00:00")), "REPORT")).isEqualTo(marker);
    }

    @Test
    void eventThatIsNotAPingGets400AndChangesNothing() {
        clock.set(at("10:00:30"));
        http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", Pings.newId())
                .header("ce-source", "dev.knative.eventing.aws-sqs-source").header("ce-type", "dev.knative.eventing.aws-sqs")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"type\":\"welcome\"}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.title").isEqualTo("Unexpected event type")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("dev.knative.eventing.aws-sqs"));

        assertThat(items.get("JOB#hourly", "CURSOR")).isEmpty();
        assertThat(reportKeys()).isEmpty();
    }

    /** {@code hourly_items_failed_total{task}} summed over its reasons. */
    private double failedItems(String task) {
        return meters.find("hourly.items.failed").tag("task", task).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private void remember(String key, Duration keepFor) {
        idempotency.once(IdempotencyStore.Key.of("test", key + " " + day, ""), keepFor, () -> Mono.just("")).block();
    }

    private List<Map<String, AttributeValue>> idempotencyRecord(String key) {
        return LocalBackends.shared().clients().dynamo().scanPaginator(scan -> scan.tableName(TABLE)
                        .filterExpression("#key = :key")
                        .expressionAttributeNames(Map.of("#key", "key"))
                        .expressionAttributeValues(Map.of(":key", s(key + " " + day))))
                .items().stream().toList();
    }

    private List<JsonNode> receiveWelcomes() {
        List<Message> messages = sqs.receiveMessage(receive -> receive.queueUrl(queueUrl)
                .maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        messages.forEach(message -> sqs.deleteMessage(delete -> delete.queueUrl(queueUrl)
                .receiptHandle(message.receiptHandle())));
        return messages.stream().map(message -> json.readTree(message.body())).toList();
    }

    private String dayPath() {
        return HourlyReports.key(day).substring("reports/".length(), "reports/yyyy/MM/dd".length());
    }

    private List<String> keys(String... hours) {
        return java.util.Arrays.stream(hours).map(hour -> "reports/" + dayPath() + "/" + hour + ".json").toList();
    }

    /** This scenario's reports, in key order. */
    private List<String> reportKeys() {
        return s3.listObjectsV2Paginator(list -> list.bucket(BUCKET).prefix("reports/" + dayPath() + "/"))
                .contents().stream().map(S3Object::key).sorted().toList();
    }

    private JsonNode report(String key) {
        return json.readTree(s3.getObject(get -> get.bucket(BUCKET).key(key), ResponseTransformer.toBytes()).asUtf8String());
    }
}
