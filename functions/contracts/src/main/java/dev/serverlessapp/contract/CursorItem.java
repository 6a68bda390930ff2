package dev.serverlessapp.contract;

/**
 * The hourly job's progress, {@code JOB#hourly}/{@code CURSOR}: per task, the last hour it finished.
 * Written by scheduled-tasks only.
 */
public final class CursorItem {

    public static final String PK = "JOB#hourly";
    public static final String SK = "CURSOR";
    public static final String LAST_REPORTED_HOUR = "lastReportedHour";
    public static final String LAST_CLEANED_HOUR = "lastCleanedHour";
    public static final String LAST_WELCOME_HOUR = "lastWelcomeHour";

    private CursorItem() {
    }
}
