package dev.serverlessapp.contract;

/**
 * The claim on an email address that keeps emails unique, {@code EMAIL#<email>}/{@code CLAIM}: a
 * permanent claim (function-support's claim mechanism) whose owner is the sign-up that made it. Written
 * by user-api only.
 */
public final class EmailClaimItem {

    public static final String SK = "CLAIM";
    /** The user the claim was made for. */
    public static final String USER_ID = "userId";
    /** When that user was created, so that a retry of the sign-up stores the same user. */
    public static final String CREATED = "created";

    private static final String EMAIL = "EMAIL#";

    private EmailClaimItem() {
    }

    public static String pk(String email) {
        return EMAIL + email;
    }
}
