package dev.serverlessapp.contract;

import java.time.Instant;

/**
 * The marker of an hour's report, {@code REPORT#<hour>}/{@code REPORT}, written after the report is in
 * S3, so that a second ping for the hour writes nothing again. Written by scheduled-tasks only.
 */
public final class ReportItem {

    public static final String SK = "REPORT";
    public static final String S3_KEY = "s3Key";
    public static final String WRITTEN_AT = "writtenAt";

    private static final String REPORT = "REPORT#";

    private ReportItem() {
    }

    public static String pk(Instant hour) {
        return REPORT + Table.hour(hour);
    }
}
