package dev.serverlessapp.email;

import dev.serverlessapp.backends.SmtpCatcher;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/** Reads what the SMTP catcher received for one address; every test uses addresses of its own. */
final class Inbox {

    private Inbox() {
    }

    static List<MimeMessage> mailsTo(SmtpCatcher smtp, String address) {
        return smtp.received().stream().filter(mail -> isTo(mail, address)).toList();
    }

    /** The decoded text of the first part of the given type, searching nested multiparts. */
    static String part(Part part, String mimeType) {
        try {
            if (part.isMimeType(mimeType)) {
                return (String) part.getContent();
            }
            if (part.getContent() instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    String found = part(multipart.getBodyPart(i), mimeType);
                    if (found != null) {
                        return found;
                    }
                }
            }
            return null;
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("Could not read the mail", e);
        }
    }

    private static boolean isTo(MimeMessage mail, String address) {
        try {
            var to = mail.getRecipients(Message.RecipientType.TO);
            return to != null && Arrays.stream(to).anyMatch(a -> a.toString().equalsIgnoreCase(address));
        } catch (MessagingException e) {
            throw new IllegalStateException("Could not read the recipients", e);
        }
    }
}
