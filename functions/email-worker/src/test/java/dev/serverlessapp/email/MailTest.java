package dev.serverlessapp.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Composing a mail: the text part is the body as sent, the HTML part escapes every piece of user text. */
class MailTest {

    @Test
    void nameInTheBodyIsEscapedInTheHtmlPart() {
        Mail mail = Mail.of(new EmailMessage.Welcome("a@example.com", "Welcome, <b>Ada</b>!",
                "Hello <script>alert('x')</script> & co, welcome!", "u1"));

        assertThat(mail.html())
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co")
                .contains("<title>Welcome, &lt;b&gt;Ada&lt;/b&gt;!</title>")
                .doesNotContain("<script>")
                .doesNotContain("<b>");
        assertThat(mail.text()).isEqualTo("Hello <script>alert('x')</script> & co, welcome!");
        assertThat(mail.subject()).isEqualTo("Welcome, <b>Ada</b>!");
    }

    @Test
    void nonAsciiTextStaysReadable() {
        assertThat(Mail.escape("Grüße, Zoë")).isEqualTo("Grüße, Zoë");
    }

    @Test
    void blankLinesMakeParagraphsAndLineBreaksStay() {
        assertThat(Mail.paragraphs("Hello Ada,\nwelcome!\n\nThe team"))
                .isEqualTo("<p>Hello Ada,<br>\nwelcome!</p>\n<p>The team</p>");
    }
}
