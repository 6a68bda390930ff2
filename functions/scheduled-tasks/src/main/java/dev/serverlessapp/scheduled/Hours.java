package dev.serverlessapp.scheduled;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which hours a run works on. An hour is the instant it starts (UTC); the table spells it
 * {@code yyyy-MM-ddTHH} ({@link dev.serverlessapp.support.table.AppTable#hour}).
 */
final class Hours {

    static final Duration HOUR = Duration.ofHours(1);

    private Hours() {
    }

    static Instant start(Instant instant) {
        return instant.truncatedTo(ChronoUnit.HOURS);
    }

    /** The first hour starting at or after the instant: the bucket something due then is filed under. */
    static Instant atOrAfter(Instant instant) {
        Instant start = start(instant);
        return start.equals(instant) ? start : start.plus(HOUR);
    }

    /**
     * The bucket for something due at {@code due}: the hour it falls due by, but never an hour that
     * has begun: the cursor moves past those, and what is filed there would be passed by.
     */
    static Instant dueBucket(Instant due, Instant now) {
        Instant nextUnswept = start(now).plus(HOUR);
        Instant bucket = atOrAfter(due);
        return bucket.isBefore(nextUnswept) ? nextUnswept : bucket;
    }

    /**
     * The due-index buckets to sweep: every hour after the last swept one up to the bucket of
     * {@code now} itself, whose items are due by the end of this hour and partly due already.
     */
    static List<Instant> dueBuckets(Optional<Instant> lastDone, Instant now, int catchup) {
        return range(lastDone, atOrAfter(now), catchup);
    }

    /** The hours that are over and not yet reported, oldest first. */
    static List<Instant> completed(Optional<Instant> lastDone, Instant now, int catchup) {
        return range(lastDone, start(now).minus(HOUR), catchup);
    }

    /**
     * A bucket is done once its hour has begun: everything filed under it is due by then. The
     * cursor never passes a bucket that may still gain due items.
     */
    static boolean isDone(Instant hour, Instant now) {
        return !hour.isAfter(now);
    }

    /**
     * The hours after {@code lastDone} up to {@code last}, oldest first, at most {@code catchup} of
     * them; the rest follow on the next run. Without a cursor (a fresh install) the range starts
     * {@code catchup} hours back instead of at the epoch.
     */
    static List<Instant> range(Optional<Instant> lastDone, Instant last, int catchup) {
        Instant first = lastDone.map(done -> done.plus(HOUR))
                .orElse(last.minus(HOUR.multipliedBy(catchup - 1L)));
        List<Instant> hours = new ArrayList<>();
        for (Instant hour = first; !hour.isAfter(last) && hours.size() < catchup; hour = hour.plus(HOUR)) {
            hours.add(hour);
        }
        return hours;
    }
}
