package dev.serverlessapp.email;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Collectors;
import org.springframework.web.util.HtmlUtils;

/**
 * A mail ready for a transport: one plain-text part and one HTML part. All text in the HTML part
 * comes from the message (user-api puts the user's name in the body), so every piece of it is escaped.
 * {@code id}, when not null, names the mail for good: a transport that can sets the Message-ID from it,
 * so a welcome sent again (its worker died, or its outcome was lost, after the server took it) is the
 * same message to the recipient's mail system, which keeps one copy.
 */
public record Mail(String to, String subject, String text, String html, String id) {

    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>%s</title></head>
            <body style="font-family: sans-serif; line-height: 1.5">
            <h1 style="font-size: 1.25em">%s</h1>
            %s
            </body>
            </html>
            """;

    public static Mail of(EmailMessage message) {
        String subject = escape(message.subject());
        return new Mail(message.to(), message.subject(), message.body(),
                PAGE.formatted(subject, subject, paragraphs(message.body())), id(message));
    }

    /**
     * A welcome is one mail per user, however often it is sent. A notification has nothing stable to
     * name it by (the SQS source gives each receive of a message a new event id), so none.
     */
    private static String id(EmailMessage message) {
        return switch (message) {
            // Hashed: the user id comes from the queue, and a header must not carry it raw.
            case EmailMessage.Welcome welcome -> "welcome." + HexFormat.of().formatHex(sha256(welcome.userId()), 0, 16);
            case EmailMessage.Notification notification -> null;
        };
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    /** Blank lines separate paragraphs; single line breaks stay line breaks. */
    static String paragraphs(String text) {
        return Arrays.stream(text.strip().split("\\R\\s*\\R"))
                .map(paragraph -> "<p>" + String.join("<br>\n", paragraph.strip().lines().map(Mail::escape).toList()) + "</p>")
                .collect(Collectors.joining("\n"));
    }

    /** Escapes only what is markup (&lt; &gt; &amp; quotes): the page is UTF-8, so other text stays readable. */
    static String escape(String text) {
        return HtmlUtils.htmlEscape(text, "UTF-8");
    }
}
