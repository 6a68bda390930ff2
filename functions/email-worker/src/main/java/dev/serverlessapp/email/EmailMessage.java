package dev.serverlessapp.email;

import dev.serverlessapp.contract.EmailQueue;
import dev.serverlessapp.contract.WelcomeMessage;
import dev.serverlessapp.support.problem.PermanentFailure;
import dev.serverlessapp.support.text.PortableText;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A message from the email queue, in the seed's shapes, parsed and checked once at the edge. Unlike
 * the seed, which logged and skipped what it could not read, a bad message is a {@link PermanentFailure}:
 * its 4xx makes Knative dead-letter it, where it can be inspected.
 */
public sealed interface EmailMessage {

    String to();

    String subject();

    String body();

    /** {@code {"type":"welcome","to","subject","body","userId"}}: a {@link WelcomeMessage}. */
    record Welcome(String to, String subject, String body, String userId) implements EmailMessage {
    }

    /** {@code {"type":"notification","to","subject","body"}}. */
    record Notification(String to, String subject, String body) implements EmailMessage {
    }

    /** Parses an SQS message body, or fails with a 4xx that says what is wrong. */
    static EmailMessage parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw invalid("The event has no data: expected the SQS message body");
        }
        JsonNode json;
        try {
            json = JsonMapper.shared().readTree(body);
        } catch (JacksonException e) {
            throw invalid("The message body is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw invalid("The message body must be a JSON object");
        }
        JsonNode type = json.get("type");
        if (type == null || !type.isString() || type.stringValue().isBlank()) {
            throw invalid("The message has no type: expected \"welcome\" or \"notification\"");
        }
        return switch (type.stringValue()) {
            case EmailQueue.WELCOME -> new Welcome(address(json), oneLine(json, "subject"), body(json), userId(json));
            case EmailQueue.NOTIFICATION -> new Notification(address(json), oneLine(json, "subject"), body(json));
            default -> throw invalid("Unknown message type \"" + type.stringValue()
                    + "\": expected \"welcome\" or \"notification\"");
        };
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isString() || value.stringValue().isBlank()) {
            throw invalid("The " + json.get("type").stringValue() + " message lacks \"" + field + "\"");
        }
        return value.stringValue();
    }

    /**
     * A line break in a subject would end the mail header early (header injection); a lone surrogate or a
     * control character cannot be encoded into a header or sent through SES, so such a mail would fail on
     * every retry. Both are refused here, once, with a 4xx.
     */
    private static String oneLine(JsonNode json, String field) {
        String value = text(json, field);
        PortableText.singleLineProblem(value).ifPresent(problem -> {
            throw invalid("\"" + field + "\" " + problem + ": it must be a single line of text");
        });
        return value.strip();
    }

    /** Line breaks and tabs may stay in a body; what cannot be encoded may not. */
    private static String body(JsonNode json) {
        String value = text(json, "body");
        PortableText.multiLineProblem(value).ifPresent(problem -> {
            throw invalid("\"body\" " + problem);
        });
        return value;
    }

    /** One plain address, checked as RFC 822 by Jakarta Mail, so the transports never see a bad one. */
    private static String address(JsonNode json) {
        String to = oneLine(json, "to");
        try {
            InternetAddress address = new InternetAddress(to, true);
            address.validate();
            if (!address.getAddress().equals(to) || !to.contains("@")) {
                throw new AddressException("not a bare address", to);
            }
            return to;
        } catch (AddressException e) {
            throw invalid("\"to\" is not an email address: " + to);
        }
    }

    /** Becomes part of the table key {@code USER#<id>}. */
    private static String userId(JsonNode json) {
        String id = oneLine(json, "userId");
        if (id.length() > 128) {
            throw invalid("\"userId\" is longer than 128 characters");
        }
        return id;
    }

    private static PermanentFailure invalid(String detail) {
        return new PermanentFailure("Invalid email message", detail, null);
    }
}
