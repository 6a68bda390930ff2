package dev.serverlessapp.users;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param emailQueueUrl the SQS queue for welcome mails ({@code EMAIL_QUEUE_URL})
 * @param claimRepairAfter how old an email claim without its user must be before a new sign-up may take
 *                      it over: the trace of a crash between the two writes, not a sign-up in flight
 */
@ConfigurationProperties("users")
public record UserApiProperties(
        String emailQueueUrl,
        @DefaultValue("PT1M") Duration claimRepairAfter) {
}
