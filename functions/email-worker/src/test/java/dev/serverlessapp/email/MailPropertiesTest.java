package dev.serverlessapp.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MailPropertiesTest {

    static final MailProperties.Smtp SMTP = new MailProperties.Smtp("localhost", 25, "", "", false, Duration.ofSeconds(10), 4);

    @Test
    void senderThatIsNotAnAddressStopsTheStart() {
        assertThatThrownBy(() -> new MailProperties(MailProperties.Transport.SMTP, "no-reply", SMTP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAIL_FROM");
    }

    @Test
    void senderMayCarryADisplayName() {
        assertThat(new MailProperties(MailProperties.Transport.SES, "Serverless App <no-reply@example.com>", SMTP).from())
                .isEqualTo("Serverless App <no-reply@example.com>");
    }

    @Test
    void smtpWithoutUsernameDoesNotAuthenticate() {
        assertThat(SMTP.authenticates()).isFalse();
    }
}
