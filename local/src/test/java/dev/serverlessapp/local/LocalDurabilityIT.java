package dev.serverlessapp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What ElasticMQ holds outlives a restart of the local runtime on the same data folder, as messages
 * in SQS outlive a restart of their consumers: a message queued before the stop is delivered once
 * after the start, and a message deleted stays deleted.
 */
class LocalDurabilityIT {

    /** Longer than a stop takes, so the message is still on the queue when the runtime stops. */
    private static final int DELAY_SECONDS = 20;
    private static final String EMAIL_QUEUE = "serverless-app-email";

    @TempDir
    Path dataDir;

    private LocalRuntime runtime;

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void messageQueuedBeforeAStopIsDeliveredOnceAfterTheStart() {
        String to = "durable-" + UUID.randomUUID() + "@example.com";
        runtime = start(true);
        Instant sent = Instant.now();
        try (SqsClient sqs = runtime.aws().sqsClient()) {
            sqs.sendMessage(m -> m.queueUrl(runtime.state().queues().get(EMAIL_QUEUE)).delaySeconds(DELAY_SECONDS)
                    .messageBody("""
                            {"type":"notification","to":"%s","subject":"Kept","body":"Queued before a restart."}"""
                            .formatted(to)));
        }
        runtime.close();
        runtime = null;
        assertThat(Duration.between(sent, Instant.now()))
                .as("the runtime stopped before the message became visible (else this proves nothing)")
                .isLessThan(Duration.ofSeconds(DELAY_SECONDS));

        runtime = start(false);
        await().atMost(Duration.ofSeconds(DELAY_SECONDS + 120)).until(() -> mailsTo(to) > 0);
        // Deleted after email-worker's 2xx: nothing is left on the queue, visible, in flight or delayed.
        await().atMost(Duration.ofSeconds(30)).until(() -> messagesOnEmailQueue() == 0);
        assertThat(mailsTo(to)).isEqualTo(1);

        // The delete was kept too: after another restart nothing comes back to be sent again.
        runtime.close();
        runtime = start(false);
        assertThat(messagesOnEmailQueue()).isZero();
    }

    private LocalRuntime start(boolean fresh) {
        Path project = RuntimeOptions.findProjectDir(Path.of(""));
        return LocalRuntime.start(RuntimeOptions.defaults(project).withDataDir(dataDir, fresh)
                .withPorts(RuntimeOptions.Ports.random()), step -> System.out.println("▸ " + step));
    }

    private long mailsTo(String email) {
        return runtime.smtp().received().stream().filter(mail -> sentTo(mail, email)).count();
    }

    private int messagesOnEmailQueue() {
        try (SqsClient sqs = runtime.aws().sqsClient()) {
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(g -> g
                    .queueUrl(runtime.state().queues().get(EMAIL_QUEUE))
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
            return attributes.values().stream().mapToInt(Integer::parseInt).sum();
        }
    }

    private static boolean sentTo(MimeMessage mail, String email) {
        try {
            return mail.getAllRecipients() != null
                    && Arrays.stream(mail.getAllRecipients()).anyMatch(a -> a.toString().contains(email));
        } catch (MessagingException e) {
            return false;
        }
    }
}
