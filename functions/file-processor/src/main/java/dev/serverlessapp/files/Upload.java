package dev.serverlessapp.files;

import java.util.Optional;

/**
 * One uploaded object from an S3 ObjectCreated notification, with its key already URL-decoded.
 *
 * @param versionId null when the bucket is not versioned
 * @param eTag      without quotes, as S3 notifications carry it
 */
public record Upload(String bucket, String key, long size, String eTag, String versionId) {

    /** Outputs go under this prefix in the same bucket; uploads under it are never processed. */
    public static final String OUTPUT_PREFIX = "processed/";

    /**
     * scheduled-tasks writes its hourly reports into the same bucket, whose notifications cover every
     * key (S3 filters can only include a prefix, not exclude one): they are not uploads either.
     */
    public static final String REPORTS_PREFIX = "reports/";

    /** The object version this upload names: the version id, or the ETag in an unversioned bucket. */
    public String version() {
        // Suspended versioning reports the literal "null", which every overwrite shares.
        return versionId == null || versionId.isBlank() || versionId.equals("null") ? eTag : versionId;
    }

    public boolean isVersioned() {
        return !version().equals(eTag);
    }

    /**
     * The upload as the store holds it now, given what a HEAD pinned to {@link #version()} saw; empty
     * when the store no longer holds these bytes. A store that reports a version id read the version
     * the notification names. A store that keeps no versions (S3Proxy, a bucket never versioned)
     * answers for its current object whatever version is asked for: there the ETag says whether the
     * bytes are still the notified ones, and the upload is known by its ETag alone, so notifications
     * naming other version ids for the same bytes are one processed version, not several.
     */
    public Optional<Upload> asStored(String storedVersionId, String storedETag) {
        boolean storeKeepsVersions = storedVersionId != null && !storedVersionId.isBlank() && !storedVersionId.equals("null");
        if (isVersioned() && storeKeepsVersions) {
            return Optional.of(this);
        }
        String seen = storedETag == null ? "" : storedETag.replace("\"", "");
        return eTag.equals(seen) ? Optional.of(new Upload(bucket, key, size, eTag, null)) : Optional.empty();
    }

    public String outputKey() {
        return OUTPUT_PREFIX + key;
    }

    /** The processed-file item's partition key, the business key of this function (README, table layout). */
    public String fileKey() {
        return "FILE#" + bucket + "/" + key;
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key + " (version " + version() + ")";
    }
}
