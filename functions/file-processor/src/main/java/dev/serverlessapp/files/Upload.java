package dev.serverlessapp.files;

import dev.serverlessapp.contract.BucketLayout;
import dev.serverlessapp.contract.FileVersionItem;
import java.util.Optional;

/**
 * One uploaded object from an S3 ObjectCreated notification, with its key already URL-decoded.
 *
 * @param versionId null when the bucket is not versioned
 * @param eTag      without quotes, as S3 notifications carry it
 */
public record Upload(String bucket, String key, long size, String eTag, String versionId) {

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

    /** Where the output goes, in the same bucket ({@link BucketLayout#processed}). */
    public String outputKey() {
        return BucketLayout.processed(key);
    }

    /** An output of ours: processing it would trigger the processor again, forever (the seed's bug). */
    public boolean isOutput() {
        return key.startsWith(BucketLayout.PROCESSED);
    }

    /** The processed-file item's partition key, the business key of this function (README, table layout). */
    public String fileKey() {
        return FileVersionItem.pk(bucket, key);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key + " (version " + version() + ")";
    }
}
