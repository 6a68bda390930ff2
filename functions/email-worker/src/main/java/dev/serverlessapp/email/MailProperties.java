package dev.serverlessapp.email;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How mail goes out (application.yaml binds the environment variables, with their defaults).
 *
 * @param transport {@code MAIL_TRANSPORT}: {@code smtp} or {@code ses}
 * @param from      {@code MAIL_FROM}: the sender; with SES it must be a verified identity
 * @param smtp      the SMTP server, used when the transport is {@code smtp}
 */
@ConfigurationProperties("mail")
public record MailProperties(
        Transport transport,
        String from,
        @DefaultValue Smtp smtp) {

    /** A bad sender is a deployment mistake: fail the start, not every mail (which would dead-letter them all). */
    public MailProperties {
        try {
            new InternetAddress(from, true).validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException("MAIL_FROM is not an email address: " + from, e);
        }
    }

    public enum Transport { SMTP, SES }

    /**
     * @param host          {@code SMTP_HOST}
     * @param port          {@code SMTP_PORT}
     * @param username      {@code SMTP_USERNAME}; empty means no authentication
     * @param password      {@code SMTP_PASSWORD}
     * @param starttls      {@code SMTP_STARTTLS}: require STARTTLS before sending
     * @param timeout       {@code SMTP_TIMEOUT}: connect, read and write timeout; a hung server must
     *                      not hold a thread longer than Knative waits for the answer
     * @param maxConcurrent {@code SMTP_MAX_CONCURRENT}: SMTP sessions at once (the blocking threads)
     */
    public record Smtp(
            String host,
            int port,
            String username,
            String password,
            boolean starttls,
            Duration timeout,
            int maxConcurrent) {

        public boolean authenticates() {
            return username != null && !username.isBlank();
        }
    }
}
