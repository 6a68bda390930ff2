package dev.serverlessapp.contract;

import java.time.Instant;

/**
 * One object version file-processor processed, {@code FILE#<bucket>/<key>}/{@code VERSION#<version or
 * ETag>}: the claim on processing it (permanent, leased while processing) and, once completed, what it
 * was processed into; filed under {@code FILE_PROCESSED#<hour>} for the hourly report. Written by
 * file-processor only.
 */
public final class FileVersionItem {

    public static final String OUTPUT_KEY = "outputKey";
    public static final String SIZE = "size";
    public static final String CONTENT_TYPE = "contentType";
    public static final String SHA256 = "sha256";
    /** {@code thumbnail} or {@code copy}. */
    public static final String KIND = "kind";
    public static final String PROCESSED_AT = "processedAt";

    private static final String FILE = "FILE#";
    private static final String VERSION = "VERSION#";
    private static final String PROCESSED_IN = "FILE_PROCESSED#";

    private FileVersionItem() {
    }

    public static String pk(String bucket, String key) {
        return FILE + bucket + "/" + key;
    }

    public static String sk(String version) {
        return VERSION + version;
    }

    /** The longest version (or ETag) whose {@link #sk} fits DynamoDB's 1024-byte sort key. */
    public static int maxVersionBytes() {
        return 1024 - VERSION.length();
    }

    /** The {@code activity} key of the files processed in the hour. */
    public static String processedIn(Instant hour) {
        return PROCESSED_IN + Table.hour(hour);
    }

    /** The {@code activity} sort key: hashed, as bucket, key and version together may exceed an index key. */
    public static String activitySk(String versionHash) {
        return FILE + versionHash;
    }
}
