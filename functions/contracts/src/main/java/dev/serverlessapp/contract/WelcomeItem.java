package dev.serverlessapp.contract;

import java.time.Instant;

/**
 * A user's welcome mail, {@code USER#<id>}/{@code WELCOME}: email-worker's claim on sending it (a
 * permanent claim of function-support's mechanism, leased while sending) and, once completed, how it
 * ended, in {@link #OUTCOME}. Written by email-worker only. A welcome is <em>pending</em> while this item
 * is not completed; the hourly job reads it to know which welcomes to queue again.
 */
public final class WelcomeItem {

    public static final String SK = "WELCOME";
    /** {@link Outcome}: {@code SENT} or {@code REJECTED}, once completed. */
    public static final String OUTCOME = "welcome";
    public static final String SENT_AT = "sentAt";
    public static final String REJECTED_AT = "rejectedAt";
    /** Why the mail server or SES refused the address for good. */
    public static final String REJECTION = "rejection";

    private static final String SENT_IN = "WELCOME_SENT#";

    /** How a welcome ended. Either way the welcome is settled: it is not sent, nor queued, again. */
    public enum Outcome {
        /** Sent; the item is filed under {@code WELCOME_SENT#<hour>} for the hourly report. */
        SENT,
        /** The mail server or SES refused the address for good (SMTP 5xx, SES {@code MessageRejected}). */
        REJECTED
    }

    private WelcomeItem() {
    }

    /** The {@code activity} key of the welcomes sent in the hour. */
    public static String sentIn(Instant hour) {
        return SENT_IN + Table.hour(hour);
    }
}
