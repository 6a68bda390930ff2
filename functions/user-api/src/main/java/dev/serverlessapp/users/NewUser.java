package dev.serverlessapp.users;

import dev.serverlessapp.support.text.PortableText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.validator.routines.EmailValidator;
import tools.jackson.databind.JsonNode;

/** A valid sign-up: name trimmed, email trimmed and lower-cased. Only {@link #parse} makes one. */
public record NewUser(String name, String email) {

    static final int MAX_NAME_LENGTH = 200;

    /** The body's fields as they arrive: missing (null), JSON null, or any JSON value, not only a string. */
    public record Request(JsonNode name, JsonNode email) {
    }

    /** One thing wrong with one field, as listed in the 400 problem's {@code errors}. */
    public record FieldError(String field, String message) {
    }

    /** Thrown with every field error at once, so the caller can fix them all in one go. */
    public static class InvalidException extends RuntimeException {
        private final List<FieldError> errors;

        InvalidException(List<FieldError> errors) {
            super(errors.stream().map(e -> e.field() + ": " + e.message()).reduce((a, b) -> a + "; " + b).orElse(""));
            this.errors = List.copyOf(errors);
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    public static NewUser parse(Request request) {
        List<FieldError> errors = new ArrayList<>();
        String name = string("name", request.name(), errors).map(String::strip).orElse(null);
        if (name != null) {
            checkName(name, errors);
        }
        String email = string("email", request.email(), errors)
                .map(text -> text.strip().toLowerCase(Locale.ROOT)).orElse(null);
        if (email != null) {
            checkEmail(email, errors);
        }
        if (!errors.isEmpty()) {
            throw new InvalidException(errors);
        }
        return new NewUser(name, email);
    }

    /** The field's text; absent and null are empty, any other non-string is an error (no user named "-1"). */
    private static Optional<String> string(String field, JsonNode value, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return Optional.of("");
        }
        if (!value.isString()) {
            errors.add(new FieldError(field, "must be a string"));
            return Optional.empty();
        }
        return Optional.of(value.stringValue());
    }

    private static void checkName(String name, List<FieldError> errors) {
        Optional<String> untravelled = PortableText.singleLineProblem(name);
        if (name.isEmpty()) {
            errors.add(new FieldError("name", "is required"));
        } else if (untravelled.isPresent()) {
            // Stored, it would reach SQS, SMTP and SES in the welcome and poison every retry of it.
            errors.add(new FieldError("name", untravelled.get()));
        } else if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            errors.add(new FieldError("name", "must be at most " + MAX_NAME_LENGTH + " characters"));
        }
    }

    private static void checkEmail(String email, List<FieldError> errors) {
        Optional<String> untravelled = PortableText.singleLineProblem(email);
        if (email.isEmpty()) {
            errors.add(new FieldError("email", "is required"));
        } else if (untravelled.isPresent()) {
            errors.add(new FieldError("email", untravelled.get()));
        } else if (!EmailValidator.getInstance().isValid(email)) {
            errors.add(new FieldError("email", "is not a valid email address"));
        }
    }
}
