package dev.serverlessapp.contract;

/**
 * The welcome on the email queue, in the seed's message shape plus the user's id: queued by user-api
 * when a user signs up, and again by the hourly job while it is pending; email-worker sends it once per
 * user.
 */
public record WelcomeMessage(String type, String to, String subject, String body, String userId) {

    /** The welcome for a user: the seed's text. */
    public static WelcomeMessage to(String userId, String name, String email) {
        return new WelcomeMessage(EmailQueue.WELCOME, email, "Welcome to our platform!",
                "Hello " + name + ", welcome to our platform!", userId);
    }
}
