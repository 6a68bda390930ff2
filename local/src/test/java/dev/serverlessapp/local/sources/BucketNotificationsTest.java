package dev.serverlessapp.local.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BucketNotificationsTest {

    @Test
    void notificationHasTheShapeS3Sends() throws Exception {
        JsonNode record = new ObjectMapper().readTree(BucketNotifications.notification("files", "us-east-1",
                "uploads/my photo+1.png", 42, "\"abc\"", 1)).get("Records").get(0);
        assertThat(record.get("eventSource").asText()).isEqualTo("aws:s3");
        assertThat(record.get("eventName").asText()).isEqualTo("ObjectCreated:Put");
        assertThat(record.at("/s3/bucket/name").asText()).isEqualTo("files");
        // Keys are form-encoded (space → '+', '+' → %2B), slashes kept, as S3 does.
        assertThat(record.at("/s3/object/key").asText()).isEqualTo("uploads/my+photo%2B1.png");
        assertThat(record.at("/s3/object/size").asLong()).isEqualTo(42);
        assertThat(record.at("/s3/object/eTag").asText()).isEqualTo("abc");
    }

    @Test
    void testEventIsS3sTestEvent() throws Exception {
        JsonNode test = new ObjectMapper().readTree(BucketNotifications.testEvent("files"));
        assertThat(test.get("Event").asText()).isEqualTo("s3:TestEvent");
        assertThat(test.get("Bucket").asText()).isEqualTo("files");
    }
}
