package dev.serverlessapp.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.backends.SmtpCatcher;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox against a real SMTP catcher: every caught mail becomes exactly one .eml file. */
class MailOutboxTest {

    @TempDir
    Path folder;

    @Test
    void eachCaughtMailIsKeptExactlyOnce() throws Exception {
        try (SmtpCatcher smtp = SmtpCatcher.start(Ports.free())) {
            MailOutbox outbox = new MailOutbox(smtp, folder);
            List<String> sent = new ArrayList<>();
            // Fixed addresses: GreenMail lists mail mailbox by mailbox, and a new mailbox may come before
            // older ones, which shifted the old index-based copy onto mail it had already written.
            for (int i = 0; i < 12; i++) {
                sent.add(send(smtp, "user" + (char) ('a' + (i * 7) % 26) + i + "@example.com"));
                assertThat(smtp.await(sent.size(), 10_000)).isTrue();
                outbox.copyNew();
            }
            // One mail to two people is two copies in GreenMail and one mail in the outbox.
            sent.add(send(smtp, "ada@example.com", "bob@example.com"));
            assertThat(smtp.await(sent.size() + 1, 10_000)).isTrue();
            outbox.copyNew();
            outbox.copyNew();

            assertThat(messageIds()).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    private List<String> messageIds() throws IOException {
        Session session = Session.getInstance(new Properties());
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> {
                try (InputStream in = Files.newInputStream(file)) {
                    return new MimeMessage(session, in).getMessageID();
                } catch (IOException | MessagingException e) {
                    throw new AssertionError(e);
                }
            }).toList();
        }
    }

    /** Sends a mail as email-worker's SMTP transport does; answers its Message-ID. */
    static String send(SmtpCatcher smtp, String... to) throws MessagingException, java.io.UnsupportedEncodingException {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", smtp.host());
        properties.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        MimeMessage mail = new MimeMessage(Session.getInstance(properties));
        mail.setFrom(new InternetAddress("no-reply@serverless-app.local"));
        for (String address : to) {
            InternetAddress parsed = InternetAddress.parse(address)[0];
            mail.addRecipient(Message.RecipientType.TO, new InternetAddress(parsed.getAddress(), parsed.getPersonal(), "UTF-8"));
        }
        mail.setSubject("Welcome!", "UTF-8");
        mail.setText("Hello and welcome.", "UTF-8");
        Transport.send(mail);
        return mail.getMessageID();
    }
}
