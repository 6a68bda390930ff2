package dev.serverlessapp.deploy.upstream;

import java.time.Duration;
import java.util.Optional;

/**
 * ISO-8601 periods exactly as Knative Eventing reads delivery durations ({@code timeout},
 * {@code backoffDelay}): github.com/rickb777/date v1.13.0 {@code period.Parse}. It takes years,
 * months, weeks, days, hours, minutes and seconds, each with at most one decimal place kept (so
 * {@code PT0.05S} is zero), and "P0". Java's {@link Duration#parse} differs (no Y/M/W, any
 * fraction), hence this port.
 */
public record IsoPeriod(boolean negative, long years, long months, long days, long hours, long minutes, long seconds) {

    // Every component is in tenths: the parser keeps one decimal place.

    /** The parsed period, or empty when Knative's parser refuses the text. */
    public static Optional<IsoPeriod> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        if (text.equals("P0")) {
            return Optional.of(new IsoPeriod(false, 0, 0, 0, 0, 0, 0));
        }
        String rest = text;
        boolean negative = false;
        if (rest.charAt(0) == '-' || rest.charAt(0) == '+') {
            negative = rest.charAt(0) == '-';
            rest = rest.substring(1);
        }
        if (rest.isEmpty() || rest.charAt(0) != 'P') {
            return Optional.empty();
        }
        rest = rest.substring(1);
        long[] time = {0, 0, 0};
        boolean[] ok = {false};
        int t = rest.indexOf('T');
        String datePart = rest;
        if (t >= 0) {
            String[] remaining = {rest.substring(t + 1)};
            char[] marks = {'H', 'M', 'S'};
            for (int i = 0; i < 3; i++) {
                Long value = field(remaining, marks[i], ok);
                if (value == null) {
                    return Optional.empty();
                }
                time[i] = value;
            }
            if (!remaining[0].isEmpty()) {
                return Optional.empty();
            }
            datePart = rest.substring(0, t);
        }
        String[] remaining = {datePart};
        long[] date = new long[4];
        char[] marks = {'Y', 'M', 'W', 'D'};
        for (int i = 0; i < 4; i++) {
            Long value = field(remaining, marks[i], ok);
            if (value == null) {
                return Optional.empty();
            }
            date[i] = value;
        }
        if (!remaining[0].isEmpty() || !ok[0]) {
            return Optional.empty();
        }
        return Optional.of(new IsoPeriod(negative, date[0], date[1], date[2] * 7 + date[3], time[0], time[1], time[2]));
    }

    /** A field in tenths: null when it is malformed, 0 when absent. */
    private static Long field(String[] remaining, char mark, boolean[] ok) {
        int at = remaining[0].indexOf(mark);
        if (at <= 0) {
            return 0L;
        }
        String number = remaining[0].substring(0, at);
        int dot = number.indexOf('.') >= 0 ? number.indexOf('.') : number.indexOf(',');
        String fixed = dot < 0 ? number + "0"
                : number.length() - dot > 1 ? number.substring(0, dot) + number.charAt(dot + 1) : number.substring(0, dot) + "0";
        try {
            long value = Long.parseLong(fixed);
            remaining[0] = remaining[0].substring(at + 1);
            ok[0] = true;
            return value;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public boolean isZero() {
        return years == 0 && months == 0 && days == 0 && hours == 0 && minutes == 0 && seconds == 0;
    }

    /** Approximate length, as rickb777's {@code DurationApprox}: a year is 365.2425 days, a month a twelfth of it. */
    public Duration approximate() {
        double total = (years / 10.0) * 365.2425 * 86_400 + (months / 10.0) * 365.2425 / 12 * 86_400 + (days / 10.0) * 86_400
                + (hours / 10.0) * 3_600 + (minutes / 10.0) * 60 + seconds / 10.0;
        Duration duration = Duration.ofMillis(Math.round(total * 1000));
        return negative ? duration.negated() : duration;
    }
}
