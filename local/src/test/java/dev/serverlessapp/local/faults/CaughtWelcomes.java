package dev.serverlessapp.local.faults;

import dev.serverlessapp.backends.SmtpCatcher;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The welcome mails an SMTP catcher received, each with the time it was first seen (polled, so up to
 * {@link #POLL} late). Mails are told apart by their Message-ID: the same mail handed over twice is
 * one mail, two sends are two.
 */
final class CaughtWelcomes implements AutoCloseable {

    static final Duration POLL = Duration.ofMillis(500);

    /** One welcome mail: to whom, its Message-ID, and when it was first seen. */
    record Welcome(String to, String messageId, Instant seen) {
    }

    private final SmtpCatcher smtp;
    private final Map<String, Welcome> byMessageId = new ConcurrentHashMap<>();
    private final Thread polling;
    private volatile boolean closed;

    CaughtWelcomes(SmtpCatcher smtp) {
        this.smtp = smtp;
        this.polling = Thread.ofVirtual().name("caught-welcomes").start(this::poll);
    }

    private void poll() {
        while (!closed) {
            collect();
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void collect() {
        Instant now = Instant.now();
        for (MimeMessage mail : smtp.received()) {
            try {
                if (mail.getSubject() == null || !mail.getSubject().toLowerCase(java.util.Locale.ROOT).contains("welcome")) {
                    continue;
                }
                String id = mail.getMessageID();
                Address[] to = mail.getAllRecipients();
                if (id != null && to != null && to.length > 0) {
                    byMessageId.putIfAbsent(id, new Welcome(to[0].toString(), id, now));
                }
            } catch (MessagingException e) {
                // a mail that cannot be read is not a welcome we can count; it shows up as missing
            }
        }
    }

    /** Every welcome so far, grouped by recipient. */
    Map<String, List<Welcome>> byRecipient() {
        collect();
        return byMessageId.values().stream().collect(Collectors.groupingBy(Welcome::to));
    }

    @Override
    public void close() {
        closed = true;
        polling.interrupt();
    }
}
