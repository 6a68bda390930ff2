package dev.serverlessapp.scheduled;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The line between a bad item (park it, go on) and a backend's failure (fail the run, Knative retries).
 * A misconfigured queue or a missing table must never be mistaken for bad items: that would park every
 * pending welcome at once.
 */
class BadItemTest {

    @Test
    void whatTheItemHoldsAndABackendRefusesForThatIsABadItem() {
        assertThat(BadItem.of(InvalidMessageContentsException.builder()
                .awsErrorDetails(details("InvalidMessageContents", "Invalid binary character '#xD800'")).build()))
                .hasValueSatisfying(bad -> {
                    assertThat(bad.reason()).isEqualTo("InvalidMessageContents");
                    assertThat(bad.getMessage()).contains("SQS refused it", "#xD800");
                });
        assertThat(BadItem.of(DynamoDbException.builder()
                .awsErrorDetails(details("ValidationException", "An operand in the update expression has an incorrect data type"))
                .statusCode(400).build()))
                .hasValueSatisfying(bad -> assertThat(bad.reason()).isEqualTo("ValidationException"));
        assertThat(BadItem.of(new BadItem("malformed-item", "no created"))).isPresent();
    }

    @Test
    void backendsThatAreDownMisconfiguredOrThrottlingAreNotBadItems() {
        assertThat(BadItem.of(SdkClientException.create("Unable to execute HTTP request: Connection refused"))).isEmpty();
        assertThat(BadItem.of(QueueDoesNotExistException.builder()
                .awsErrorDetails(details("AWS.SimpleQueueService.NonExistentQueue", "no queue")).statusCode(400).build()))
                .isEmpty();
        assertThat(BadItem.of(SqsException.builder().awsErrorDetails(details("AccessDenied", "denied")).statusCode(403).build()))
                .isEmpty();
        assertThat(BadItem.of(ResourceNotFoundException.builder()
                .awsErrorDetails(details("ResourceNotFoundException", "no table")).statusCode(400).build())).isEmpty();
        assertThat(BadItem.of(DynamoDbException.builder()
                .awsErrorDetails(details("ProvisionedThroughputExceededException", "slow down")).statusCode(400).build()))
                .isEmpty();
        assertThat(BadItem.of(NoSuchBucketException.builder().statusCode(404).build())).isEmpty();
        // Our own bug is not the item's fault either: the run fails loudly instead of parking everything.
        assertThat(BadItem.of(new DateTimeParseException("bug", "x", 0))).isEmpty();
    }

    private static AwsErrorDetails details(String code, String message) {
        return AwsErrorDetails.builder().errorCode(code).errorMessage(message).build();
    }
}
