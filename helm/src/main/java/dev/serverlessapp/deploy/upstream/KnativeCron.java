package dev.serverlessapp.deploy.upstream;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A PingSource schedule as Knative Eventing's webhook checks it: github.com/robfig/cron v3.0.1 with
 * an optional seconds field and descriptors, behind {@code CRON_TZ=<timezone>}, and no
 * {@code @every}. Returns why it is refused, or empty.
 */
public final class KnativeCron {

    private record Bounds(int min, int max, Map<String, Integer> names) {
    }

    private static final Bounds SECONDS = new Bounds(0, 59, Map.of());
    private static final Bounds MINUTES = new Bounds(0, 59, Map.of());
    private static final Bounds HOURS = new Bounds(0, 23, Map.of());
    private static final Bounds DOM = new Bounds(1, 31, Map.of());
    private static final Bounds MONTHS = new Bounds(1, 12, Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
            Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12)));
    private static final Bounds DOW = new Bounds(0, 6, Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6));
    private static final List<Bounds> FIELDS = List.of(SECONDS, MINUTES, HOURS, DOM, MONTHS, DOW);
    private static final Set<String> DESCRIPTORS = Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");

    private KnativeCron() {
    }

    /** Why the schedule is refused ({@code schedule: ...}), or empty. */
    public static Optional<String> scheduleProblem(String schedule) {
        if (schedule == null || schedule.isEmpty()) {
            return Optional.of("empty spec string");
        }
        if (schedule.contains("@every")) {
            return Optional.of("unsupported descriptor @every");
        }
        String spec = schedule;
        if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
            int space = spec.indexOf(' ');
            if (space < 0) {
                return Optional.of("time zone without a schedule");
            }
            if (!isGoLocation(spec.substring(spec.indexOf('=') + 1, space))) {
                return Optional.of("provided bad location " + spec.substring(spec.indexOf('=') + 1, space));
            }
            spec = spec.substring(space).trim();
        }
        if (spec.startsWith("@")) {
            return DESCRIPTORS.contains(spec) ? Optional.empty() : Optional.of("unrecognized descriptor: " + spec);
        }
        String[] fields = spec.trim().split("\\s+");
        if (fields.length < 5 || fields.length > 6) {
            return Optional.of("expected 5 to 6 fields, found " + fields.length + ": [" + String.join(" ", fields) + "]");
        }
        int offset = fields.length == 5 ? 1 : 0;
        for (int i = offset; i < FIELDS.size(); i++) {
            for (String range : fields[i - offset].split(",")) {
                if (range.isEmpty()) {
                    continue;
                }
                Optional<String> problem = rangeProblem(range, FIELDS.get(i));
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        return Optional.empty();
    }

    /** Whether Go's {@code time.LoadLocation} knows this name (the IANA database, "UTC" and "Local"). */
    public static boolean isGoLocation(String name) {
        return name.equals("UTC") || name.equals("Local") || name.isEmpty() || ZoneId.getAvailableZoneIds().contains(name);
    }

    private static Optional<String> rangeProblem(String expression, Bounds bounds) {
        String[] rangeAndStep = expression.split("/", -1);
        String[] lowAndHigh = rangeAndStep[0].split("-", -1);
        long start;
        long end;
        try {
            if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
                start = bounds.min();
                end = bounds.max();
            } else {
                start = number(lowAndHigh[0], bounds);
                if (lowAndHigh.length == 1) {
                    end = start;
                } else if (lowAndHigh.length == 2) {
                    end = number(lowAndHigh[1], bounds);
                } else {
                    return Optional.of("too many hyphens: " + expression);
                }
            }
            long step = 1;
            if (rangeAndStep.length == 2) {
                step = number(rangeAndStep[1], new Bounds(0, Integer.MAX_VALUE, Map.of()));
                if (lowAndHigh.length == 1) {
                    end = bounds.max();
                }
            } else if (rangeAndStep.length > 2) {
                return Optional.of("too many slashes: " + expression);
            }
            if (start < bounds.min()) {
                return Optional.of("beginning of range (" + start + ") below minimum (" + bounds.min() + "): " + expression);
            }
            if (end > bounds.max()) {
                return Optional.of("end of range (" + end + ") above maximum (" + bounds.max() + "): " + expression);
            }
            if (start > end) {
                return Optional.of("beginning of range (" + start + ") beyond end of range (" + end + "): " + expression);
            }
            if (step == 0) {
                return Optional.of("step of range should be a positive number: " + expression);
            }
            return Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static long number(String text, Bounds bounds) {
        Integer named = bounds.names().get(text.toLowerCase(java.util.Locale.ROOT));
        if (named != null) {
            return named;
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("failed to parse int from " + text);
        }
        if (value < 0) {
            throw new NumberFormatException("negative number (" + value + ") not allowed: " + text);
        }
        return value;
    }
}
