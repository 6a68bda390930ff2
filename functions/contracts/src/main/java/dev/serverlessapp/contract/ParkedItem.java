package dev.serverlessapp.contract;

/**
 * An item the hourly job parked, {@code PARKED#<task>}/{@code <pk>/<sk>} of the item: one whose own
 * content makes its work fail however often it is retried. The parked item itself is left as it was,
 * in an hour the job has passed, so no later run reads it again; this record is where an operator lists
 * what a task parked, and why. Written by scheduled-tasks only.
 */
public final class ParkedItem {

    /** Why: the message of the failure. */
    public static final String REASON = "parkedReason";
    public static final String PARKED_AT = "parkedAt";

    private static final String PARKED = "PARKED#";

    private ParkedItem() {
    }

    /** Everything the task parked, in one partition. */
    public static String pk(String task) {
        return PARKED + task;
    }

    /** The parked item, by its keys. */
    public static String sk(String itemPk, String itemSk) {
        return itemPk + "/" + itemSk;
    }
}
