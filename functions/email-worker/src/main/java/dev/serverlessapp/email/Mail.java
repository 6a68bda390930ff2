package dev.serverlessapp.email;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.web.util.HtmlUtils;

/**
 * A mail ready for a transport: one plain-text part and one HTML part. All text in the HTML part
 * comes from the message (user-api puts the user's name in the body), so every piece of it is escaped.
 */
public record Mail(String to, String subject, String text, String html) {

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
                PAGE.formatted(subject, subject, paragraphs(message.body())));
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
