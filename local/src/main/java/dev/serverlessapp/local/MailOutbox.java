package dev.serverlessapp.local;

import dev.serverlessapp.testsupport.SmtpCatcher;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** Copies every mail the SMTP catcher receives to {@code <data>/mail/*.eml}, so it outlives the run. */
final class MailOutbox implements AutoCloseable {

    private final SmtpCatcher smtp;
    private final Path folder;
    private int saved;
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

    private synchronized void copyNew() {
        List<MimeMessage> received = smtp.received();
        for (; saved < received.size(); saved++) {
            Path file = folder.resolve(Instant.now().toEpochMilli() + "-" + saved + ".eml");
            try (OutputStream out = Files.newOutputStream(Files.createDirectories(folder).resolve(file.getFileName()))) {
                received.get(saved).writeTo(out);
            } catch (IOException | MessagingException e) {
                throw new UncheckedIOException(new IOException("Could not keep a mail in " + folder, e));
            }
        }
    }

    @Override
    public void close() {
        if (copying != null) {
            copying.dispose();
        }
    }
}
