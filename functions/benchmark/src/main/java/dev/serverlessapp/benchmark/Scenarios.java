package dev.serverlessapp.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The real first request of every function, following the event contracts in CONTEXT/README. */
final class Scenarios {

    static final String SQS_EVENT = "dev.knative.eventing.aws-sqs";
    static final String SQS_SOURCE = "dev.knative.eventing.aws-sqs-source";

    private Scenarios() {
    }

    static List<Scenario> all() {
        return List.of(new UserApi(), new EmailWorker(), new FileProcessor(), new ScheduledTasks());
    }

    static Optional<Scenario> forFunction(String function) {
        return all().stream().filter(s -> s.function().equals(function)).findFirst();
    }

    /** user-api: a real HTTP request, POST /users with a new email each time, without token checks. */
    record UserApi() implements Scenario {
        public String function() {
            return "user-api";
        }

        public Map<String, String> environment(Fixtures fixtures) {
            // Token checks off, as when the ingress checks tokens: the benchmark has no issuer to sign them.
            // No per-client rate limit: the whole load comes from one address.
            return Map.of("EMAIL_QUEUE_URL", fixtures.emailQueueUrl(), "AUTH_ENABLED", "false",
                    "RATE_LIMIT_ENABLED", "false");
        }

        public HttpRequest request(URI base, Fixtures fixtures, String run, int n) {
            String body = "{\"name\":\"Bench User %d\",\"email\":\"bench-%s-%d@example.com\"}".formatted(n, run, n);
            return HttpRequest.newBuilder(base.resolve("/users")).header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofString(body)).build();
        }
    }

    /** email-worker: a welcome message from the email queue, for a new user each time, sent to the SMTP catcher. */
    record EmailWorker() implements Scenario {
        public String function() {
            return "email-worker";
        }

        public Map<String, String> environment(Fixtures fixtures) {
            return Map.of("MAIL_TRANSPORT", "smtp", "MAIL_FROM", "no-reply@serverless-app.local",
                    "SMTP_HOST", "127.0.0.1", "SMTP_PORT", Integer.toString(fixtures.smtpPort()));
        }

        public HttpRequest request(URI base, Fixtures fixtures, String run, int n) {
            String body = """
                    {"type":"welcome","to":"bench-%s-%d@example.com","subject":"Welcome","body":"Hello and welcome.","userId":"%s"}"""
                    .formatted(run, n, UUID.randomUUID());
            return Scenario.event(base, SQS_EVENT, SQS_SOURCE, run + "-" + n, Map.of("queue", "email"))
                    .POST(BodyPublishers.ofString(body)).build();
        }
    }

    /** file-processor: an S3 ObjectCreated notification for a small PNG that is in the bucket. */
    record FileProcessor() implements Scenario {
        public String function() {
            return "file-processor";
        }

        public Map<String, String> environment(Fixtures fixtures) {
            return Map.of();
        }

        public HttpRequest request(URI base, Fixtures fixtures, String run, int n) {
            Fixtures.Upload upload = fixtures.upload(n);
            String body = """
                    {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
                    "eventTime":"2026-11-26T23:10:00.000Z","eventName":"ObjectCreated:Put",
                    "s3":{"s3SchemaVersion":"1.0","configurationId":"uploads","bucket":{"name":"%s"},
                    "object":{"key":"%s","size":%d,"eTag":"%s","sequencer":"0055AED6DCD90281E5"}}}]}"""
                    .formatted(upload.bucket(), upload.key(), upload.size(), upload.eTag());
            return Scenario.event(base, SQS_EVENT, SQS_SOURCE, run + "-" + n, Map.of("queue", "uploads"))
                    .POST(BodyPublishers.ofString(body)).build();
        }
    }

    /** scheduled-tasks: the hourly PingSource event. */
    record ScheduledTasks() implements Scenario {
        public String function() {
            return "scheduled-tasks";
        }

        public Map<String, String> environment(Fixtures fixtures) {
            return Map.of("S3_BUCKET", fixtures.bucket(), "EMAIL_QUEUE_URL", fixtures.emailQueueUrl());
        }

        public HttpRequest request(URI base, Fixtures fixtures, String run, int n) {
            return Scenario.event(base, "dev.knative.sources.ping",
                            "/apis/v1/namespaces/serverless-app/pingsources/hourly", run + "-" + n, Map.of())
                    .POST(BodyPublishers.ofString("{\"job\":\"hourly\"}")).build();
        }
    }
}
