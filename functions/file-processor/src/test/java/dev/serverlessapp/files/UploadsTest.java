package dev.serverlessapp.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.support.problem.PermanentFailure;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading S3 notifications: key decoding and which records are processed. Fixtures are real S3 shapes. */
class UploadsTest {

    @Test
    void keysAreUrlDecodedWithPlusForSpace() {
        List<Upload> uploads = Uploads.from(fixture("object-created.json"), "uploads");

        assertThat(uploads.getFirst().key()).isEqualTo("holiday photos/café + bar.png");
    }

    @Test
    void everyRecordOfTheMessageIsReadButOutputsAreIgnored() {
        List<Upload> uploads = Uploads.from(fixture("object-created.json"), "uploads");

        // The second record is under processed/: processing it would trigger the processor forever.
        assertThat(uploads).extracting(Upload::key).containsExactly("holiday photos/café + bar.png", "notes.txt");
    }

    @Test
    void versionIsTheVersionIdOrTheEtagWhenUnversioned() {
        List<Upload> uploads = Uploads.from(fixture("object-created.json"), "uploads");

        assertThat(uploads.get(0).version()).isEqualTo("096fKKXTRTtl3on89fVO.nfljtsv6qko");
        assertThat(uploads.get(0).isVersioned()).isTrue();
        // Suspended versioning reports "null", shared by every overwrite: the ETag tells them apart.
        assertThat(uploads.get(1).version()).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        assertThat(uploads.get(1).isVersioned()).isFalse();
    }

    /** Which version is processed and recorded: the one the store confirms it holds (FileProcessorTest over S3Proxy). */
    @Test
    void theStoredVersionIsTheOneTheStoreConfirms() {
        Upload versioned = new Upload("uploads", "a.txt", 3, "etag-1", "v1");
        Upload unversioned = new Upload("uploads", "a.txt", 3, "etag-1", null);

        // A store that keeps versions answered the HEAD pinned to v1 with v1.
        assertThat(versioned.asStored("v1", "\"etag-1\"")).contains(versioned);
        // A store without versions answered for its current object: the ETag decides, and names the version.
        assertThat(versioned.asStored(null, "\"etag-1\"")).contains(unversioned);
        assertThat(versioned.asStored("null", "etag-1")).contains(unversioned);
        assertThat(versioned.asStored(null, "\"etag-2\"")).isEmpty();
        assertThat(unversioned.asStored(null, "\"etag-1\"")).contains(unversioned);
        assertThat(unversioned.asStored("v7", "\"etag-2\"")).isEmpty();
    }

    @Test
    void anUploadInAnotherBucketIsPermanentFailure() {
        assertThatThrownBy(() -> Uploads.from(fixture("object-created.json"), "serverless-app-files"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("\"uploads\"").hasMessageContaining("S3_BUCKET");
    }

    @Test
    void namesS3NeverGivesArePermanentFailures() {
        String key = "k".repeat(Uploads.MAX_KEY_BYTES);
        Uploads.checkNamesS3Allows("serverless-app-files", key);
        Uploads.checkNamesS3Allows("a.b-c", "é");

        assertThatThrownBy(() -> Uploads.checkNamesS3Allows("uploads", key + "k")).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("1025 bytes");
        // Two bytes each in UTF-8: 513 characters are 1026 bytes.
        assertThatThrownBy(() -> Uploads.checkNamesS3Allows("uploads", "é".repeat(513))).isInstanceOf(PermanentFailure.class);
        assertThatThrownBy(() -> Uploads.checkNamesS3Allows("uploads", "a\ud800")).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("UTF-8");
        for (String bucket : new String[] {"Uploads", "up_loads", "ab", "a".repeat(64), "a..b", "-ab", "ab-", "10.0.0.1", ""}) {
            assertThatThrownBy(() -> Uploads.checkNamesS3Allows(bucket, "a.txt")).as(bucket)
                    .isInstanceOf(PermanentFailure.class).hasMessageContaining("bucket name");
        }
    }

    @Test
    void outputKeyAndBusinessKeyFollowTheTableLayout() {
        Upload upload = new Upload("uploads", "a b/c.txt", 3, "etag", null);

        assertThat(upload.outputKey()).isEqualTo("processed/a b/c.txt");
        assertThat(upload.fileKey()).isEqualTo("FILE#uploads/a b/c.txt");
    }

    @Test
    void testEventIsAcknowledgedWithNothingToProcess() {
        assertThat(Uploads.from(fixture("s3-test-event.json"), "uploads")).isEmpty();
    }

    @Test
    void folderMarkersAndOutputsAreNotProcessed() {
        assertThat(Uploads.isToProcess(new Upload("b", "photos/", 0, "e", null))).isFalse();
        assertThat(Uploads.isToProcess(new Upload("b", "processed/x.png", 1, "e", null))).isFalse();
        assertThat(Uploads.isToProcess(new Upload("b", "unprocessed/x.png", 1, "e", null))).isTrue();
        // Which keys are announced at all is the bucket's notification filter (uploads/): file-processor
        // knows nothing of the bucket's other tenants.
        assertThat(Uploads.isToProcess(new Upload("b", "uploads/x.png", 1, "e", null))).isTrue();
    }

    @Test
    void recordsOtherThanObjectCreatedAreIgnored() {
        String removed = """
                {"Records":[{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"a.txt"}}}]}""";

        assertThat(Uploads.from(removed.getBytes(StandardCharsets.UTF_8), "b")).isEmpty();
    }

    @Test
    void bodyThatIsNotJsonIsPermanentFailure() {
        assertThatThrownBy(() -> Uploads.from("hello".getBytes(StandardCharsets.UTF_8), "uploads"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("not an S3 event notification");
    }

    @Test
    void jsonWithoutRecordsIsPermanentFailure() {
        assertThatThrownBy(() -> Uploads.from("{\"type\":\"welcome\"}".getBytes(StandardCharsets.UTF_8), "uploads"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("no Records");
    }

    @Test
    void recordWithoutBucketIsPermanentFailure() {
        String noBucket = """
                {"Records":[{"eventName":"ObjectCreated:Put","s3":{"object":{"key":"a.txt","eTag":"e"}}}]}""";

        assertThatThrownBy(() -> Uploads.from(noBucket.getBytes(StandardCharsets.UTF_8), "uploads"))
                .isInstanceOf(PermanentFailure.class);
    }

    @Test
    void eventOfAnotherTypeIsPermanentFailure() {
        var ping = CloudEventBuilder.v1().withId("1").withSource(URI.create("/apis/v1/namespaces/x/pingsources/hourly"))
                .withType("dev.knative.sources.ping").withData("application/json", fixture("object-created.json"))
                .build();

        assertThatThrownBy(() -> Uploads.from(ping, "uploads")).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("dev.knative.eventing.aws-sqs");
    }

    static byte[] fixture(String name) {
        try (InputStream in = UploadsTest.class.getResourceAsStream("/events/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
