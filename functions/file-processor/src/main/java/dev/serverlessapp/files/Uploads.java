package dev.serverlessapp.files;

import dev.serverlessapp.contract.Events;
import dev.serverlessapp.contract.FileVersionItem;
import dev.serverlessapp.support.problem.PermanentFailure;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;
import software.amazon.awssdk.eventnotifications.s3.model.S3Object;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the uploads an SQS-source event announces: its data is the SQS message body, an S3 event
 * notification. Parsing happens here once; everything inward gets {@link Upload}s.
 */
final class Uploads {

    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_VERSION_BYTES = FileVersionItem.maxVersionBytes();

    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    private static final Logger log = LoggerFactory.getLogger(Uploads.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Uploads() {
    }

    /**
     * The uploads in {@code bucket} to process, without the ones to ignore; a malformed event, or one that names
     * another bucket, is a {@link PermanentFailure}.
     */
    static List<Upload> from(CloudEvent event, String bucket) {
        if (!Events.SQS.equals(event.getType())) {
            throw invalid("Expected an event of type " + Events.SQS + ", got " + event.getType(), null);
        }
        if (event.getData() == null) {
            throw invalid("The event has no data: expected an S3 event notification", null);
        }
        return from(event.getData().toBytes(), bucket);
    }

    static List<Upload> from(byte[] body, String bucket) {
        S3EventNotification notification = parse(body);
        if (notification.getRecords() == null) {
            if (isTestEvent(body)) {
                // S3 sends this once when the notification is configured; there is nothing to process.
                log.info("Acknowledged the s3:TestEvent");
                return List.of();
            }
            throw invalid("The S3 event notification has no Records", null);
        }
        List<Upload> uploads = new ArrayList<>();
        for (S3EventNotificationRecord record : notification.getRecords()) {
            Upload upload = toUpload(record, bucket);
            if (upload != null && isToProcess(upload)) {
                uploads.add(upload);
            }
        }
        return uploads;
    }

    /**
     * Only uploads: the bucket announces nothing but {@code uploads/} (README: Processing uploads), so an
     * output of ours is announced only where that filter is missing. Folder markers hold nothing.
     */
    static boolean isToProcess(Upload upload) {
        if (upload.isOutput()) {
            log.info("Ignored {}: it is an output", upload);
            return false;
        }
        if (upload.key().endsWith("/")) {
            log.info("Ignored {}: it is a folder marker", upload);
            return false;
        }
        return true;
    }

    private static Upload toUpload(S3EventNotificationRecord record, String ownBucket) {
        if (record == null || record.getEventName() == null || !record.getEventName().startsWith("ObjectCreated:")) {
            // The queue should only get ObjectCreated; anything else is a configuration slip, not poison.
            log.warn("Ignored a record that is not ObjectCreated: {}", record == null ? null : record.getEventName());
            return null;
        }
        if (record.getS3() == null || record.getS3().getBucket() == null || record.getS3().getObject() == null) {
            throw invalid("An ObjectCreated record has no s3.bucket or s3.object", null);
        }
        String bucket = record.getS3().getBucket().getName();
        S3Object object = record.getS3().getObject();
        if (isBlank(bucket) || isBlank(object.getKey()) || isBlank(object.getETag())) {
            throw invalid("An ObjectCreated record lacks the bucket name, object key or eTag", null);
        }
        String key = decodeKey(object);
        checkNamesS3Allows(bucket, key);
        if (!bucket.equals(ownBucket)) {
            // The event says which bucket to read and write: only the configured one may be.
            throw invalid("The upload is in bucket \"" + bucket + "\"; file-processor processes the uploads of its own "
                    + "bucket (S3_BUCKET) only", null);
        }
        checkFitsTheTableKey("eTag", object.getETag());
        if (object.getVersionId() != null) {
            checkFitsTheTableKey("versionId", object.getVersionId());
        }
        return new Upload(bucket, key, object.getSizeAsLong() == null ? 0 : object.getSizeAsLong(),
                object.getETag(), object.getVersionId());
    }

    /**
     * What S3 could never have created: a bucket name outside S3's naming rules (3 to 63 lower-case
     * letters, digits, dots and hyphens, not like an IP address; buckets named by the older us-east-1
     * rules are not supported), or a key longer than S3's 1024 bytes of UTF-8. Such a notification
     * fails the same way on every retry, so it is refused with a 4xx.
     */
    static void checkNamesS3Allows(String bucket, String key) {
        if (!BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..") || IP_ADDRESS.matcher(bucket).matches()) {
            throw invalid("\"" + abbreviate(bucket) + "\" is not a bucket name S3 allows", null);
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(key)) {
            throw invalid("The object key is not valid UTF-8", null);
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw invalid("The object key is " + bytes + " bytes long; S3 keys are at most " + MAX_KEY_BYTES + " bytes", null);
        }
    }

    /** The version names the processed-file item ({@code VERSION#<version>}): a DynamoDB sort key holds 1024 bytes. */
    private static void checkFitsTheTableKey(String attribute, String version) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(version)
                || version.getBytes(StandardCharsets.UTF_8).length > MAX_VERSION_BYTES) {
            throw invalid("The " + attribute + " is not one S3 gives: longer than " + MAX_VERSION_BYTES
                    + " bytes or not UTF-8", null);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    /** Keys arrive URL-encoded, with {@code +} for a space (S3 event message structure). */
    static String decodeKey(S3Object object) {
        try {
            return object.getUrlDecodedKey();
        } catch (IllegalArgumentException e) {
            throw invalid("The object key is not URL-encoded: " + object.getKey(), e);
        }
    }

    private static S3EventNotification parse(byte[] body) {
        try {
            return S3EventNotification.fromJson(body);
        } catch (RuntimeException e) {
            throw invalid("The event data is not an S3 event notification: " + e.getMessage(), e);
        }
    }

    private static boolean isTestEvent(byte[] body) {
        try {
            JsonNode event = JSON.readTree(body).get("Event");
            return event != null && "s3:TestEvent".equals(event.asString());
        } catch (JacksonException e) {
            return false;
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static PermanentFailure invalid(String detail, Throwable cause) {
        return new PermanentFailure("Not an S3 ObjectCreated notification", detail, cause);
    }
}
