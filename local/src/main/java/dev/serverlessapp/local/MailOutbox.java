package dev.serverlessapp.local;

import dev.serverlessapp.backends.SmtpCatcher;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Copies every mail the SMTP catcher receives to {@code <data>/mail/*.eml}, once, so it outlives the run.
 * GreenMail keeps a copy per recipient's mailbox and lists them mailbox by mailbox, so a position in its
 * list is no identity (a new mail may come before ones already copied); a mail is known by its Message-ID,
 * or by a digest of its bytes when it has none.
 */
final class MailOutbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MailOutbox.class);

    private final SmtpCatcher smtp;
    private final Path folder;
    private final Set<String> copied = new HashSet<>();
    private int written;
    private Disposable copying;

    MailOutbox(SmtpCatcher smtp, Path folder) {
        this.smtp = smtp;
        this.folder = folder;
    }

    void start() {
        copying = Flux.interval(Duration.ofMillis(500))
                .onBackpressureDrop()
                .publishOn(Schedulers.boundedElastic())
                .subscribe(tick -> copyNew());
    }

    synchronized void copyNew() {
        for (MimeMessage mail : smtp.received()) {
            try {
                String messageId = mail.getMessageID();
                if (messageId != null && !copied.add(messageId)) {
                    continue;
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                mail.writeTo(bytes);
                if (messageId == null && !copied.add(digest(bytes.toByteArray()))) {
                    continue;
                }
                Path file = Files.createDirectories(folder).resolve(Instant.now().toEpochMilli() + "-" + written++ + ".eml");
                Files.write(file, bytes.toByteArray());
            } catch (IOException | MessagingException e) {
                // Logged once and left: it counts as copied, so the next tick does not try and log it again.
                log.warn("could not keep a caught mail in {}: {}", folder, e.toString());
            }
        }
    }

    private static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (copying != null) {
            copying.dispose();
        }
    }
}
