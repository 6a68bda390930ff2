package dev.serverlessapp.scheduled;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param emailQueueUrl the SQS queue email-worker reads ({@code EMAIL_QUEUE_URL})
 * @param grace         how long a welcome may stay pending before it is queued again; the same value
 *                      user-api uses ({@code WELCOME_GRACE})
 */
@ConfigurationProperties("welcomes")
public record WelcomeProperties(String emailQueueUrl, Duration grace) {

    public WelcomeProperties {
        if (emailQueueUrl == null || emailQueueUrl.isBlank()) {
            throw new IllegalArgumentException("Set EMAIL_QUEUE_URL: the queue pending welcomes are sent to");
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("WELCOME_GRACE must not be negative, not " + grace);
        }
    }
}
