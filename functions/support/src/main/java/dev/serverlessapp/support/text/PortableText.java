package dev.serverlessapp.support.text;

import java.util.Optional;

/**
 * Text that can travel through every system a user's words pass: SQS message bodies (XML 1.0 characters
 * only: no lone surrogates, no U+FFFE/U+FFFF, no C0 controls but tab, LF and CR), mail headers (no line
 * breaks) and SES. A value that breaks this rule is refused at the door, because once stored it would
 * poison every later step that carries it.
 */
public final class PortableText {

    private PortableText() {
    }

    /** Why {@code text} cannot travel as a single-line value (a name, an address, a subject), if it cannot. */
    public static Optional<String> singleLineProblem(String text) {
        return problem(text, false);
    }

    /** Why {@code text} cannot travel as a multi-line value (a mail body), if it cannot: line breaks and tabs pass. */
    public static Optional<String> multiLineProblem(String text) {
        return problem(text, true);
    }

    private static Optional<String> problem(String text, boolean multiLine) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("contains an unpaired UTF-16 surrogate");
            } else if (c == '\uFFFE' || c == '\uFFFF') {
                return Optional.of("contains a noncharacter (U+%04X)".formatted((int) c));
            } else if (multiLine && (c == '\t' || c == '\n' || c == '\r')) {
                continue;
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return Optional.of("contains a control character (U+%04X)".formatted((int) c));
            }
        }
        return Optional.empty();
    }
}
