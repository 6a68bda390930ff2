package dev.serverlessapp.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.support.problem.PermanentFailure;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Parsing the queue's messages: the seed's shapes pass, everything the seed silently skipped fails with 4xx. */
class EmailMessageTest {

    @Test
    void welcomeHasAllItsFields() {
        EmailMessage message = parse("""
                {"type":"welcome","to":"ada@example.com","subject":"Welcome to our platform!",
                 "body":"Hello Ada, welcome to our platform!","userId":"user_1"}""");

        assertThat(message).isEqualTo(new EmailMessage.Welcome("ada@example.com", "Welcome to our platform!",
                "Hello Ada, welcome to our platform!", "user_1"));
    }

    @Test
    void notificationNeedsNoUserId() {
        EmailMessage message = parse("""
                {"type":"notification","to":"ada@example.com","subject":"Report ready","body":"See the report."}""");

        assertThat(message).isEqualTo(new EmailMessage.Notification("ada@example.com", "Report ready", "See the report."));
    }

    @Test
    void unknownFieldsAreIgnoredSoProducersCanAddSome() {
        EmailMessage message = parse("""
                {"type":"notification","to":"a@example.com","subject":"s","body":"b","priority":"high"}""");

        assertThat(message).isInstanceOf(EmailMessage.Notification.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                  | Hello, world                                                             | not JSON
            JSON but not an object    | ["welcome"]                                                              | JSON object
            no type                   | {"to":"a@example.com","subject":"s","body":"b"}                          | no type
            type not a string         | {"type":7,"to":"a@example.com","subject":"s","body":"b"}                 | no type
            unknown type              | {"type":"sms","to":"a@example.com","subject":"s","body":"b"}             | Unknown message type "sms"
            notification without to   | {"type":"notification","subject":"s","body":"b"}                         | lacks "to"
            blank subject             | {"type":"notification","to":"a@example.com","subject":" ","body":"b"}    | lacks "subject"
            body not a string         | {"type":"notification","to":"a@example.com","subject":"s","body":{}}     | lacks "body"
            welcome without userId    | {"type":"welcome","to":"a@example.com","subject":"s","body":"b"}         | lacks "userId"
            to not an address         | {"type":"notification","to":"not-an-address","subject":"s","body":"b"}   | not an email address
            to with a display name    | {"type":"notification","to":"Ada <a@example.com>","subject":"s","body":"b"} | not an email address
            two addresses             | {"type":"notification","to":"a@example.com, b@example.com","subject":"s","body":"b"} | not an email address
            subject with a line break | {"type":"notification","to":"a@example.com","subject":"s\\nBcc: x@example.com","body":"b"} | single line
            lone surrogate in subject | {"type":"notification","to":"a@example.com","subject":"s\\ud800","body":"b"} | "subject" contains an unpaired UTF-16 surrogate
            lone surrogate in body    | {"type":"notification","to":"a@example.com","subject":"s","body":"Hello \\ud800x"} | "body" contains an unpaired UTF-16 surrogate
            NUL in body               | {"type":"notification","to":"a@example.com","subject":"s","body":"a\\u0000b"} | "body" contains a control character
            noncharacter in body      | {"type":"notification","to":"a@example.com","subject":"s","body":"a\\uffffb"} | "body" contains a noncharacter
            line separator in subject | {"type":"notification","to":"a@example.com","subject":"a\\u2028b","body":"b"} | "subject" contains a control character
            lone surrogate in to      | {"type":"notification","to":"a\\udc00@example.com","subject":"s","body":"b"} | "to" contains an unpaired UTF-16 surrogate
            lone surrogate in userId  | {"type":"welcome","to":"a@example.com","subject":"s","body":"b","userId":"u\\ud800"} | "userId" contains an unpaired UTF-16 surrogate
            """)
    void invalidMessageIsAPermanentFailureThatSaysWhy(String kind, String body, String reason) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining(reason)
                .satisfies(error -> assertThat(((PermanentFailure) error).status().value()).isEqualTo(400));
    }

    @Test
    void bodyKeepsItsLineBreaksAndTabs() {
        EmailMessage message = parse("""
                {"type":"notification","to":"a@example.com","subject":"Réunion 🙂","body":"Line one\\r\\n\\tLine two"}""");

        assertThat(message.body()).isEqualTo("Line one\r\n\tLine two");
        assertThat(message.subject()).isEqualTo("Réunion 🙂");
    }

    @Test
    void eventWithoutDataIsAPermanentFailure() {
        assertThatThrownBy(() -> EmailMessage.parse(null))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("no data");
    }

    private static EmailMessage parse(String json) {
        return EmailMessage.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
