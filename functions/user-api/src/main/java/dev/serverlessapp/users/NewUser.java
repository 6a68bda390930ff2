package dev.serverlessapp.users;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.validator.routines.EmailValidator;

/** A valid sign-up: name trimmed, email trimmed and lower-cased. Only {@link #parse} makes one. */
public record NewUser(String name, String email) {

    static final int MAX_NAME_LENGTH = 200;

    /** The request body as it arrives; any field may be missing. */
    public record Request(String name, String email) {
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
        String name = request.name() == null ? "" : request.name().strip();
        String email = request.email() == null ? "" : request.email().strip().toLowerCase(java.util.Locale.ROOT);
        List<FieldError> errors = new ArrayList<>();
        if (name.isEmpty()) {
            errors.add(new FieldError("name", "is required"));
        } else if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            errors.add(new FieldError("name", "must be at most " + MAX_NAME_LENGTH + " characters"));
        }
        if (email.isEmpty()) {
            errors.add(new FieldError("email", "is required"));
        } else if (!EmailValidator.getInstance().isValid(email)) {
            errors.add(new FieldError("email", "is not a valid email address"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidException(errors);
        }
        return new NewUser(name, email);
    }
}
