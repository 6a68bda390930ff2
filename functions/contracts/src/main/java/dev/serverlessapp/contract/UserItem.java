package dev.serverlessapp.contract;

import java.time.Instant;

/**
 * A user, {@code USER#<id>}/{@code PROFILE}. Written once, by user-api, when the user signs up, and never
 * changed: the user's welcome lives on items of its own ({@link WelcomeItem}, {@link RequeueItem}) under
 * the same partition. Filed under {@code CREATED#<hour>} in the {@code activity} index, which the hourly
 * report counts and from which the hourly job checks each new user's welcome.
 *
 * <p>A <em>retired</em> user id has a marker in the profile's place instead ({@link #RETIRED_AT},
 * {@link Table#EXPIRES_AT}, filed to expire): no user, and none can be written under that id. user-api
 * writes it when it repairs an email claim an interrupted sign-up left, so that sign-up's late user
 * write cannot make a second user for the address; the hourly clean-up deletes it.
 */
public final class UserItem {

    public static final String SK = "PROFILE";
    public static final String ID = "id";
    public static final String NAME = "name";
    public static final String EMAIL = "email";
    /** ISO-8601 UTC, to the second. */
    public static final String CREATED = "created";
    /** Set only on a retired user id's marker, never on a user. */
    public static final String RETIRED_AT = "retiredAt";

    private static final String USER = "USER#";
    private static final String CREATED_IN = "CREATED#";

    private UserItem() {
    }

    /** The partition of a user's items: the profile, the welcome and its re-queue record. */
    public static String pk(String userId) {
        return USER + userId;
    }

    /** The user id a {@link #pk} names, or null when the key is no user's. */
    public static String userId(String pk) {
        return pk != null && pk.startsWith(USER) ? pk.substring(USER.length()) : null;
    }

    /** The {@code activity} key of the users created in the hour. */
    public static String createdIn(Instant hour) {
        return CREATED_IN + Table.hour(hour);
    }
}
