package dev.serverlessapp.workloads;

import dev.serverlessapp.contract.EmailQueue;
import dev.serverlessapp.contract.Events;
import dev.serverlessapp.testing.TokenIssuer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The workload of every function, following the event contracts in README. */
public final class Workloads {

    private Workloads() {
    }

    public static List<Workload> all() {
        return List.of(new UserApi(), new EmailWorker(), new FileProcessor(), new ScheduledTasks());
    }

    public static Optional<Workload> forFunction(String function) {
        if (function.startsWith(Peer.PREFIX)) {
            return Optional.of(new Peer(function));
        }
        return all().stream().filter(s -> s.function().equals(function)).findFirst();
    }

    /**
     * A benchmark peer ({@code functions/peers}): what a user would write instead, with no backend. It gets
     * the event the benchmark's floor gets (an email-worker message) and does nothing with it.
     */
    public record Peer(String function) implements Workload {
        static final String PREFIX = "peer-";

        public Map<String, String> environment(Fixtures fixtures) {
            return Map.of();
        }

        public HttpRequest request(URI base, Fixtures fixtures, String run, int n) {
            return new EmailWorker().request(base, fixtures, run, n);
        }

        @Override
        public boolean probed() {
            return false;
        }

        /** Only the Spring peer reads the event as the functions do; Funqy's refusals are its own. */
        @Override
        public List<Refused> refused(URI base, String run) {
            return function.contains("spring") ? Workload.super.refused(base, run) : List.of();
        }
    }

    /**
     * user-api: a real HTTP request, POST /users with a new email each time, with token checks and the
     * per-client rate limit on, as in the chart (the limit set high: the whole load comes from one address).
     */
    public record UserApi() implements Workload {
        public String function() {
            return "user-api";
        }

        public Map<String, String> environment(Fixtures fixtures) {
            return Map.of("EMAIL_QUEUE_URL", fixtures.emailQueueUrl(),
                    "AUTH_ISSUER_URI", TokenIssuer.shared().issuer(), "AUTH_AUDIENCE", TokenIssuer.AUDIENCE,
                    "RATE_LIMIT_RATE", "1000000", "RATE_LIMIT_BURST", "1000000");
        }

        public HttpRequest request(URI base, Fixtures fixtures, String run, int n) {
            String body = "{\"name\":\"Bench User %d\",\"email\":\"bench-%s-%d@example.com\"}".formatted(n, run, n);
            return HttpRequest.newBuilder(base.resolve("/users")).header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofString(body)).build();
        }

        /** An invalid sign-up (400), a read without a token (401), a reader's read of a user that does not exist (404). */
        @Override
        public List<Refused> refused(URI base, String run) {
            URI unknownUser = base.resolve("/users/" + UUID.randomUUID());
            return List.of(
                    new Refused(HttpRequest.newBuilder(base.resolve("/users")).header("Content-Type", "application/json")
                            .POST(BodyPublishers.ofString("{\"name\":\"\",\"email\":\"not-an-address\"}")).build(), 400),
                    new Refused(HttpRequest.newBuilder(unknownUser).GET().build(), 401),
                    new Refused(HttpRequest.newBuilder(unknownUser).GET().header("Authorization",
                            "Bearer " + TokenIssuer.shared().token("support-tool", "users:read")).build(), 404));
        }
    }

    /** email-worker: a welcome message from the email queue, for a new user each time, sent to the SMTP catcher. */
    public record EmailWorker() implements Workload {
        public String function() {
            return "email-worker";
        }

        public Map<String, String> environment(Fixtures fixtures) {
            return Map.of("MAIL_TRANSPORT", "smtp", "MAIL_FROM", "no-reply@serverless-app.local",
                    "SMTP_HOST", "127.0.0.1", "SMTP_PORT", Integer.toString(fixtures.smtpPort()));
        }

        public HttpRequest request(URI base, Fixtures fixtures, String run, int n) {
            String body = """
                    {"type":"%s","to":"bench-%s-%d@example.com","subject":"Welcome","body":"Hello and welcome.","userId":"%s"}"""
                    .formatted(EmailQueue.WELCOME, run, n, UUID.randomUUID());
            return Workload.event(base, Events.SQS, Events.SQS_SOURCE, run + "-" + n, Map.of("subject", Events.SQS_SUBJECT))
                    .POST(BodyPublishers.ofString(body)).build();
        }
    }

    /** file-processor: an S3 ObjectCreated notification for a small PNG that is in the bucket. */
    public record FileProcessor() implements Workload {
        public String function() {
            return "file-processor";
        }

        public Map<String, String> environment(Fixtures fixtures) {
            return Map.of("S3_BUCKET", fixtures.bucket());
        }

        public HttpRequest request(URI base, Fixtures fixtures, String run, int n) {
            Fixtures.Upload upload = fixtures.upload(n);
            String body = """
                    {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
                    "eventTime":"2026-11-26T23:10:00.000Z","eventName":"ObjectCreated:Put",
                    "s3":{"s3SchemaVersion":"1.0","configurationId":"uploads","bucket":{"name":"%s"},
                    "object":{"key":"%s","size":%d,"eTag":"%s","sequencer":"0055AED6DCD90281E5"}}}]}"""
                    .formatted(upload.bucket(), upload.key(), upload.size(), upload.eTag());
            return Workload.event(base, Events.SQS, Events.SQS_SOURCE, run + "-" + n, Map.of("subject", Events.SQS_SUBJECT))
                    .POST(BodyPublishers.ofString(body)).build();
        }
    }

    /**
     * scheduled-tasks: the hourly PingSource event, as an installed function wakes for it: one hour of
     * work per task. Each launch gets a fresh table, whose empty cursor would otherwise make the first
     * ping catch up a whole day (REPORT_CATCHUP_HOURS, 24), as only a fresh install does.
     */
    public record ScheduledTasks() implements Workload {
        public String function() {
            return "scheduled-tasks";
        }

        public Map<String, String> environment(Fixtures fixtures) {
            return Map.of("S3_BUCKET", fixtures.bucket(), "EMAIL_QUEUE_URL", fixtures.emailQueueUrl(),
                    "REPORT_CATCHUP_HOURS", "1");
        }

        public HttpRequest request(URI base, Fixtures fixtures, String run, int n) {
            return Workload.event(base, Events.PING, Events.pingSource("serverless-app", "hourly"), run + "-" + n, Map.of())
                    .POST(BodyPublishers.ofString("{\"job\":\"hourly\"}")).build();
        }
    }
}
