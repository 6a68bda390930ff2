package dev.serverlessapp.email;

import dev.serverlessapp.reactive.BlockingWork;
import dev.serverlessapp.support.problem.PermanentFailure;
import dev.serverlessapp.support.problem.TransientFailure;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Sends mail over SMTP with Spring's {@link JavaMailSender}. Jakarta Mail blocks, so every send runs
 * on {@link #smtpThreads}, never on a Netty event loop.
 */
public class SmtpTransport implements MailTransport, DisposableBean {

    /** Sends waiting for a thread; beyond that the event gets a 503 and Knative retries it later. */
    private static final int QUEUED_SENDS = 256;

    private final JavaMailSender sender;
    private final String from;
    /** The one place where blocking SMTP I/O runs: bounded, so a slow server cannot take every thread. */
    private final Scheduler smtpThreads;

    public SmtpTransport(JavaMailSender sender, String from, int maxConcurrent) {
        this.sender = sender;
        this.from = from;
        this.smtpThreads = Schedulers.newBoundedElastic(maxConcurrent, QUEUED_SENDS, "smtp", 60, true);
    }

    public static JavaMailSenderImpl sender(MailProperties.Smtp smtp) {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost(smtp.host());
        sender.setPort(smtp.port());
        sender.setDefaultEncoding("UTF-8");
        Properties properties = sender.getJavaMailProperties();
        String millis = Long.toString(smtp.timeout().toMillis());
        properties.setProperty("mail.smtp.connectiontimeout", millis);
        properties.setProperty("mail.smtp.timeout", millis);
        properties.setProperty("mail.smtp.writetimeout", millis);
        if (smtp.starttls()) {
            properties.setProperty("mail.smtp.starttls.enable", "true");
            properties.setProperty("mail.smtp.starttls.required", "true");
        }
        if (smtp.authenticates()) {
            sender.setUsername(smtp.username());
            sender.setPassword(smtp.password());
            properties.setProperty("mail.smtp.auth", "true");
        }
        return sender;
    }

    @Override
    public Mono<Void> send(Mail mail) {
        return BlockingWork.run(smtpThreads, () -> sender.send(mime(mail)))
                .onErrorMap(RejectedExecutionException.class,
                        busy -> new TransientFailure("Too many mails are being sent; retry later", busy))
                .onErrorMap(MailException.class, SmtpTransport::classify);
    }

    private MimeMessage mime(Mail mail) {
        MimeMessage mime = sender.createMimeMessage();
        try {
            // Multipart, so that setText puts both parts in a multipart/alternative: clients show the
            // HTML part and fall back to the text part.
            MimeMessageHelper helper = new MimeMessageHelper(mime, true, "UTF-8");
            helper.setFrom(from);
            helper.setTo(mail.to());
            helper.setSubject(mail.subject());
            helper.setText(mail.text(), mail.html());
            if (mail.id() != null) {
                // JavaMailSender keeps a Message-ID set before it sends.
                mime.setHeader("Message-ID", "<" + mail.id() + "@" + domain(from) + ">");
            }
        } catch (MessagingException e) {
            // The message was validated on arrival; a mail that still cannot be built never will be.
            throw new PermanentFailure("Invalid email message", "The mail could not be built: " + e.getMessage(), e);
        }
        return mime;
    }

    private static String domain(String address) {
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? "" : address.substring(at + 1).replace(">", "").strip();
        return domain.isEmpty() ? "serverless-app.local" : domain;
    }

    /**
     * The server's reply code decides: a 5xx for the recipient or for the message is permanent (4xx,
     * dead-lettered); anything else - no connection, a 4xx "try later", a rejected sender or login,
     * which are our configuration - is transient (5xx, retried).
     */
    static RuntimeException classify(MailException error) {
        for (Throwable cause : causes(error)) {
            int code = switch (cause) {
                case SMTPSenderFailedException sender -> 0; // our MAIL_FROM: fix the deployment, keep the mail
                case SMTPAddressFailedException recipient -> recipient.getReturnCode();
                case SMTPSendFailedException message -> message.getReturnCode();
                default -> 0;
            };
            if (code >= 500) {
                return new PermanentFailure(HttpStatus.UNPROCESSABLE_ENTITY, "Mail rejected",
                        "The mail server refused the mail for good: " + String.valueOf(cause.getMessage()).strip(), error);
            }
        }
        return new TransientFailure("The mail server did not take the mail: " + rootMessage(error), error);
    }

    /** Spring keeps per-message failures apart from the cause; Jakarta Mail chains with next exceptions. */
    private static List<Throwable> causes(MailException error) {
        List<Throwable> all = new ArrayList<>();
        List<Throwable> roots = new ArrayList<>(List.of(error));
        if (error instanceof MailSendException send) {
            roots.addAll(List.of(send.getMessageExceptions()));
        }
        for (Throwable root : roots) {
            for (Throwable t = root; t != null && !all.contains(t); t = next(t)) {
                all.add(t);
            }
        }
        return all;
    }

    private static Throwable next(Throwable t) {
        return t instanceof MessagingException m && m.getNextException() != null ? m.getNextException() : t.getCause();
    }

    private static String rootMessage(MailException error) {
        return String.valueOf(causes(error).getLast().getMessage()).strip();
    }

    @Override
    public void destroy() {
        smtpThreads.dispose();
    }
}
