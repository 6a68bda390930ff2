package dev.serverlessapp.files;

import dev.serverlessapp.contract.Events;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Builds the events the SQS source delivers for S3 notifications, and posts them like Knative does. */
final class S3Notifications {

    static final String SQS_SOURCE = "dev.knative.eventing.aws-sqs-source";

    private S3Notifications() {
    }

    /** One object in a notification, as S3 names it; {@code versionId} is null for an unversioned bucket. */
    record Created(String bucket, String key, long size, String eTag, String versionId) {
        Created(String bucket, String key, long size, String eTag) {
            this(bucket, key, size, eTag, null);
        }

        Created withVersionId(String versionId) {
            return new Created(bucket, key, size, eTag, versionId);
        }

        Created inBucket(String bucket) {
            return new Created(bucket, key, size, eTag, versionId);
        }
    }

    /** The SQS message body S3 sends: one ObjectCreated record per object, keys URL-encoded with + for space. */
    static String notification(Created... objects) {
        return List.of(objects).stream().map(object -> """
                {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
                 "eventTime":"2026-11-26T23:10:00.000Z","eventName":"ObjectCreated:Put",
                 "s3":{"s3SchemaVersion":"1.0","configurationId":"uploads",
                       "bucket":{"name":"%s","arn":"arn:aws:s3:::%s"},
                       "object":{"key":"%s","size":%d,"eTag":"%s",%s"sequencer":"0055AED6DCD90281E5"}}}"""
                        .formatted(object.bucket(), object.bucket(), encode(object.key()), object.size(), object.eTag(),
                                object.versionId() == null ? "" : "\"versionId\":\"" + object.versionId() + "\","))
                .collect(Collectors.joining(",", "{\"Records\":[", "]}"));
    }

    static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    static String testEvent(String bucket) {
        return """
                {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-26T23:00:00.000Z",
                 "Bucket":"%s","RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9"}"""
                .formatted(bucket);
    }

    /** Binary mode: attributes in ce-* headers, the SQS message body as the HTTP body. */
    static WebTestClient.ResponseSpec postBinary(WebTestClient http, String id, String body) {
        return http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", SQS_SOURCE)
                .header("ce-type", Events.SQS).header("ce-subject", "aws-sqs-source")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange();
    }

    /** Structured mode: the whole event as application/cloudevents+json. */
    static WebTestClient.ResponseSpec postStructured(WebTestClient http, String id, String jsonBody) {
        return http.post().uri("/")
                .contentType(MediaType.parseMediaType("application/cloudevents+json"))
                .bodyValue("""
                        {"specversion":"1.0","id":"%s","source":"%s","type":"%s","subject":"aws-sqs-source",
                         "datacontenttype":"application/json","data":%s}"""
                        .formatted(id, SQS_SOURCE, Events.SQS, jsonBody))
                .exchange();
    }
}
