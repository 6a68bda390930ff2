package dev.serverlessapp.contract;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where things go in the files bucket. Uploads go under {@link #UPLOADS}, and only objects created there
 * are announced on the uploads queue (the bucket's notification filter, the chart's
 * {@code provisioning.uploadsPrefix}; the local runtime's bucket watcher likewise): file-processor's
 * outputs and the hourly reports never reach it.
 */
public final class BucketLayout {

    /** Uploads: what file-processor processes. */
    public static final String UPLOADS = "uploads/";
    /** file-processor's outputs, {@code processed/<key>}. */
    public static final String PROCESSED = "processed/";
    /** scheduled-tasks' hourly reports, {@code reports/YYYY/MM/DD/HH.json}. */
    public static final String REPORTS = "reports/";

    private static final DateTimeFormatter REPORT = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH'.json'")
            .withZone(ZoneOffset.UTC);

    private BucketLayout() {
    }

    /** Where file-processor writes what it made of an upload. */
    public static String processed(String uploadKey) {
        return PROCESSED + uploadKey;
    }

    /** Where the report of an hour goes. */
    public static String report(Instant hour) {
        return REPORTS + REPORT.format(hour);
    }
}
