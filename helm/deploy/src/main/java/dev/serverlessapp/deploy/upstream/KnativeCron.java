package dev.serverlessapp.deploy.upstream;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A PingSource schedule as Knative reads it: github.com/robfig/cron v3.0.1 with an optional seconds
 * field and descriptors, behind {@code CRON_TZ=<timezone>}, and no {@code @every}. The webhook's check
 * ({@link #scheduleProblem}) and the ping adapter's ticks ({@link #schedule}, {@link Schedule#next}, for
 * the local runtime) share one parser, ported from robfig's.
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
    /** robfig's descriptors, as the fields (with seconds) they stand for. */
    private static final Map<String, String> DESCRIPTORS = Map.of("@yearly", "0 0 0 1 1 *", "@annually", "0 0 0 1 1 *",
            "@monthly", "0 0 0 1 * *", "@weekly", "0 0 0 * * 0", "@daily", "0 0 0 * * *", "@midnight", "0 0 0 * * *",
            "@hourly", "0 0 * * * *");
    /** Set on a field written {@code *} or {@code ?}: robfig's day rule depends on it. */
    private static final long STAR = 1L << 63;

    private KnativeCron() {
    }

    /** Why the schedule is refused ({@code schedule: ...}), or empty. */
    public static Optional<String> scheduleProblem(String schedule) {
        try {
            parse(schedule, ZoneOffset.UTC);
            return Optional.empty();
        } catch (Refused refused) {
            return Optional.of(refused.getMessage());
        }
    }

    /**
     * The schedule of a PingSource, with its {@code timezone} (none: UTC) as Knative's adapter applies it,
     * a {@code CRON_TZ=} prefix; refused as the webhook refuses it, naming the source.
     */
    public static Schedule schedule(String source, String schedule, String timezone) {
        String spec = timezone == null || timezone.isBlank() ? schedule : "CRON_TZ=" + timezone + " " + schedule;
        try {
            return parse(spec, ZoneOffset.UTC);
        } catch (Refused refused) {
            throw new IllegalArgumentException("PingSource " + source + " has an invalid schedule '" + schedule
                    + "' or timezone '" + timezone + "': " + refused.getMessage(), refused);
        }
    }

    /** Whether Go's {@code time.LoadLocation} knows this name (the IANA database, "UTC" and "Local"). */
    public static boolean isGoLocation(String name) {
        return name.equals("UTC") || name.equals("Local") || name.isEmpty() || ZoneId.getAvailableZoneIds().contains(name);
    }

    /** A parsed schedule: one bit set per value each field takes (robfig's SpecSchedule). */
    public static final class Schedule {

        private final String spec;
        private final ZoneId zone;
        private final long second;
        private final long minute;
        private final long hour;
        private final long dom;
        private final long month;
        private final long dow;

        private Schedule(String spec, ZoneId zone, long[] bits) {
            this.spec = spec;
            this.zone = zone;
            this.second = bits[0];
            this.minute = bits[1];
            this.hour = bits[2];
            this.dom = bits[3];
            this.month = bits[4];
            this.dow = bits[5];
        }

        /** The first tick strictly after {@code after}, in the schedule's zone (robfig's {@code Next}). */
        public ZonedDateTime next(ZonedDateTime after) {
            ZonedDateTime t = after.withZoneSameInstant(zone).withNano(0).plusSeconds(1);
            boolean added = false;
            int yearLimit = t.getYear() + 5;
            wrap:
            while (t.getYear() <= yearLimit) {
                while (!has(month, t.getMonthValue())) {
                    if (!added) {
                        added = true;
                        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
                    }
                    t = t.plusMonths(1);
                    if (t.getMonthValue() == 1) {
                        continue wrap;
                    }
                }
                while (!dayMatches(t)) {
                    if (!added) {
                        added = true;
                        t = t.truncatedTo(ChronoUnit.DAYS);
                    }
                    t = t.plusDays(1);
                    if (t.getDayOfMonth() == 1) {
                        continue wrap;
                    }
                }
                while (!has(hour, t.getHour())) {
                    if (!added) {
                        added = true;
                        t = t.truncatedTo(ChronoUnit.HOURS);
                    }
                    t = t.plusHours(1);
                    if (t.getHour() == 0) {
                        continue wrap;
                    }
                }
                while (!has(minute, t.getMinute())) {
                    if (!added) {
                        added = true;
                        t = t.truncatedTo(ChronoUnit.MINUTES);
                    }
                    t = t.plusMinutes(1);
                    if (t.getMinute() == 0) {
                        continue wrap;
                    }
                }
                while (!has(second, t.getSecond())) {
                    added = true;
                    t = t.plusSeconds(1);
                    if (t.getSecond() == 0) {
                        continue wrap;
                    }
                }
                return t;
            }
            throw new IllegalStateException("Schedule " + this + " never fires again");
        }

        public ZoneId zone() {
            return zone;
        }

        /** A day of the month and a day of the week both restricted: either will do; otherwise both must. */
        private boolean dayMatches(ZonedDateTime t) {
            boolean domMatches = has(dom, t.getDayOfMonth());
            boolean dowMatches = has(dow, t.getDayOfWeek().getValue() % 7);
            return (dom & STAR) != 0 || (dow & STAR) != 0 ? domMatches && dowMatches : domMatches || dowMatches;
        }

        private static boolean has(long bits, int value) {
            return (bits & (1L << value)) != 0;
        }

        @Override
        public String toString() {
            return spec + " (" + zone + ")";
        }
    }

    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static Schedule parse(String schedule, ZoneId defaultZone) {
        if (schedule == null || schedule.isEmpty()) {
            throw new Refused("empty spec string");
        }
        if (schedule.contains("@every")) {
            throw new Refused("unsupported descriptor @every");
        }
        String spec = schedule;
        ZoneId zone = defaultZone;
        if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
            int space = spec.indexOf(' ');
            if (space < 0) {
                throw new Refused("time zone without a schedule");
            }
            String location = spec.substring(spec.indexOf('=') + 1, space);
            if (!isGoLocation(location)) {
                throw new Refused("provided bad location " + location);
            }
            zone = location.isEmpty() || location.equals("UTC") || location.equals("Local") ? ZoneOffset.UTC : ZoneId.of(location);
            spec = spec.substring(space).trim();
        }
        String expression = spec;
        if (spec.startsWith("@")) {
            expression = DESCRIPTORS.get(spec);
            if (expression == null) {
                throw new Refused("unrecognized descriptor: " + spec);
            }
        }
        String[] fields = expression.trim().split("\\s+");
        if (fields.length < 5 || fields.length > 6) {
            throw new Refused("expected 5 to 6 fields, found " + fields.length + ": [" + String.join(" ", fields) + "]");
        }
        int offset = fields.length == 5 ? 1 : 0;
        long[] bits = new long[FIELDS.size()];
        // Five fields: the seconds are 0.
        bits[0] = 1L;
        for (int i = offset; i < FIELDS.size(); i++) {
            bits[i] = 0;
            for (String range : fields[i - offset].split(",")) {
                if (!range.isEmpty()) {
                    bits[i] |= range(range, FIELDS.get(i));
                }
            }
        }
        return new Schedule(spec, zone, bits);
    }

    /** The bits of one range ({@code *}, {@code 5}, {@code 1-5}, {@code 3/15}, {@code 1-5/2}), as robfig's getRange. */
    private static long range(String expression, Bounds bounds) {
        String[] rangeAndStep = expression.split("/", -1);
        String[] lowAndHigh = rangeAndStep[0].split("-", -1);
        long start;
        long end;
        long star = 0;
        if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
            start = bounds.min();
            end = bounds.max();
            star = STAR;
        } else {
            start = number(lowAndHigh[0], bounds);
            if (lowAndHigh.length == 1) {
                end = start;
            } else if (lowAndHigh.length == 2) {
                end = number(lowAndHigh[1], bounds);
            } else {
                throw new Refused("too many hyphens: " + expression);
            }
        }
        long step = 1;
        if (rangeAndStep.length == 2) {
            step = number(rangeAndStep[1], new Bounds(0, Integer.MAX_VALUE, Map.of()));
            if (lowAndHigh.length == 1) {
                end = bounds.max();
            }
            if (step > 1) {
                star = 0;
            }
        } else if (rangeAndStep.length > 2) {
            throw new Refused("too many slashes: " + expression);
        }
        if (start < bounds.min()) {
            throw new Refused("beginning of range (" + start + ") below minimum (" + bounds.min() + "): " + expression);
        }
        if (end > bounds.max()) {
            throw new Refused("end of range (" + end + ") above maximum (" + bounds.max() + "): " + expression);
        }
        if (start > end) {
            throw new Refused("beginning of range (" + start + ") beyond end of range (" + end + "): " + expression);
        }
        if (step == 0) {
            throw new Refused("step of range should be a positive number: " + expression);
        }
        long bits = star;
        for (long value = start; value <= end; value += step) {
            bits |= 1L << value;
        }
        return bits;
    }

    private static long number(String text, Bounds bounds) {
        Integer named = bounds.names().get(text.toLowerCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new Refused("failed to parse int from " + text);
        }
        if (value < 0) {
            throw new Refused("negative number (" + value + ") not allowed: " + text);
        }
        return value;
    }
}
