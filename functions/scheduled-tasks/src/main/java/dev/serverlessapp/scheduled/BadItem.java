package dev.serverlessapp.scheduled;

import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.sqs.model.InvalidAttributeValueException;
import software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException;

/**
 * An item whose own content makes its work fail, however often it is retried: a user whose name SQS
 * refuses to carry, a record whose expiry is no number. The hourly job parks such an item and goes on.
 * Everything else (a backend down, slow, throttling, or refusing our credentials or a missing queue) is
 * a backend's failure: the run fails with a 5xx and Knative retries it, and nothing is parked.
 *
 * @param reason a short fixed code, the {@code reason} tag of {@code hourly_items_failed_total}
 */
final class BadItem extends RuntimeException {

    private final String reason;

    BadItem(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }

    /** The failure as a bad item, if it is one; empty for a backend's failure. */
    static Optional<BadItem> of(Throwable error) {
        return Optional.ofNullable(switch (error) {
            case BadItem bad -> bad;
            // The message built from the item holds characters SQS does not carry (ElasticMQ says so
            // with InvalidAttributeValue); our own message attributes are always valid.
            case InvalidMessageContentsException refused -> refused("SQS", "InvalidMessageContents", refused);
            case InvalidAttributeValueException refused -> refused("SQS", "InvalidMessageContents", refused);
            // An update or delete of the item refused for what the item holds (a counter stored as text).
            case DynamoDbException refused when "ValidationException".equals(code(refused)) ->
                    refused("DynamoDB", "ValidationException", refused);
            default -> null;
        });
    }

    private static BadItem refused(String service, String reason, AwsServiceException error) {
        String message = error.awsErrorDetails() == null ? null : error.awsErrorDetails().errorMessage();
        return new BadItem(reason, service + " refused it: " + code(error)
                + (message == null || message.equals(code(error)) ? "" : " (" + abbreviate(message) + ")"));
    }

    private static String code(AwsServiceException error) {
        return error.awsErrorDetails() == null || error.awsErrorDetails().errorCode() == null
                ? error.getClass().getSimpleName()
                : error.awsErrorDetails().errorCode();
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
