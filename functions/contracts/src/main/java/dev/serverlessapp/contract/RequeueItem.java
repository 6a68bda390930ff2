package dev.serverlessapp.contract;

import java.time.Instant;

/**
 * The hourly job's record of a welcome still pending, {@code USER#<id>}/{@code REQUEUE}: filed under
 * {@code WELCOME_DUE#<hour>} in the {@code due} index, the hour the job looks at it again, with how
 * often and when it last queued the welcome again. Written by scheduled-tasks only; the job takes it out
 * of the index once it finds the welcome settled ({@link WelcomeItem}).
 */
public final class RequeueItem {

    public static final String SK = "REQUEUE";
    /** When the job last queued the welcome again: the grace period runs from then. */
    public static final String REQUEUED_AT = "requeuedAt";
    /** How often the job queued it again. */
    public static final String REQUEUES = "requeues";

    private static final String DUE_IN = "WELCOME_DUE#";

    private RequeueItem() {
    }

    /** The {@code due} key of the welcomes to look at again in the hour. */
    public static String dueIn(Instant hour) {
        return DUE_IN + Table.hour(hour);
    }
}
