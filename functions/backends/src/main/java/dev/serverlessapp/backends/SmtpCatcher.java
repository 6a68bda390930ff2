package dev.serverlessapp.backends;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.util.List;

/** GreenMail as an SMTP server that keeps every mail it receives, so tests can read them. */
public final class SmtpCatcher implements AutoCloseable {

    private final GreenMail greenMail;

    private SmtpCatcher(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    public static SmtpCatcher start(int port) {
        GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return new SmtpCatcher(greenMail);
    }

    public int port() {
        return greenMail.getSmtp().getPort();
    }

    public String host() {
        return "127.0.0.1";
    }

    public List<MimeMessage> received() {
        return List.of(greenMail.getReceivedMessages());
    }

    /** Waits for at least {@code count} mails; answers whether they arrived in time. */
    public boolean await(int count, long timeoutMillis) {
        return greenMail.waitForIncomingEmail(timeoutMillis, count);
    }

    public void clear() {
        try {
            greenMail.purgeEmailFromAllMailboxes();
        } catch (com.icegreen.greenmail.store.FolderException e) {
            throw new IllegalStateException("Could not clear the caught mail", e);
        }
    }

    /** Stops taking mail, as a mail server that is down; {@link #restart()} brings it back on the same port. */
    public void stop() {
        greenMail.stop();
    }

    public void restart() {
        greenMail.start();
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
