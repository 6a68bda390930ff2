package dev.serverlessapp.contract;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one DynamoDB table every function shares (README, "The app table"). Items are keyed by
 * {@code pk}/{@code sk}. Two sparse indexes file items under a UTC hour, so that the hourly job reads
 * only that hour's items and never scans the table:
 * <ul>
 *   <li>{@code activity} ({@code gsi1pk}, {@code gsi1sk}, keys only): what happened in an hour, e.g.
 *       {@code CREATED#2026-11-26T23};</li>
 *   <li>{@code due} ({@code gsi2pk}, {@code gsi2sk}, all attributes): what falls due in an hour, e.g.
 *       {@code EXPIRES#2026-11-27T00} or {@code WELCOME_DUE#2026-11-27T00}.</li>
 * </ul>
 * {@code expiresAt} (epoch seconds) is the table's TTL attribute. Each item's own keys are in its class
 * ({@link UserItem}, {@link WelcomeItem}, ...).
 */
public final class Table {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String ACTIVITY_INDEX = "activity";
    public static final String ACTIVITY_PK = "gsi1pk";
    public static final String ACTIVITY_SK = "gsi1sk";
    public static final String DUE_INDEX = "due";
    public static final String DUE_PK = "gsi2pk";
    public static final String DUE_SK = "gsi2sk";
    public static final String EXPIRES_AT = "expiresAt";

    private static final String EXPIRING = "EXPIRES#";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);

    private Table() {
    }

    /** The UTC hour an instant falls in, as index keys spell it: {@code 2026-11-26T23}. */
    public static String hour(Instant instant) {
        return HOUR.format(instant.truncatedTo(ChronoUnit.HOURS));
    }

    /** The first hour that starts at or after the instant: what falls due "by" then. */
    public static String hourAtOrAfter(Instant instant) {
        Instant start = instant.truncatedTo(ChronoUnit.HOURS);
        return hour(start.equals(instant) ? start : start.plus(1, ChronoUnit.HOURS));
    }

    public static Instant parseHour(String hour) {
        return Instant.parse(hour + ":00:00Z");
    }

    /**
     * The {@code due} key of a record that expires at {@code expiresAt} (any temporary claim item): the
     * first hour at or after it, whose bucket the hourly clean-up sweeps.
     */
    public static String expiringBy(Instant expiresAt) {
        return EXPIRING + hourAtOrAfter(expiresAt);
    }
}
