package dev.serverlessapp.contract;

/**
 * The messages on the email queue, which email-worker reads: JSON objects with a {@code type}, {@code to},
 * {@code subject} and {@code body}, and a welcome's {@code userId} ({@link WelcomeMessage}).
 */
public final class EmailQueue {

    /** A user's welcome: sent once per user, whoever queues it. */
    public static final String WELCOME = "welcome";
    /** Any other mail: sent once per event. */
    public static final String NOTIFICATION = "notification";

    private EmailQueue() {
    }
}
