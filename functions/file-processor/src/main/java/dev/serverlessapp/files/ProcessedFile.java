package dev.serverlessapp.files;

/**
 * An object this function wrote, with the metadata it carries: S3's Content-Type and Content-Length,
 * and the SHA-256 of its bytes (hex) as the user metadata {@code x-amz-meta-sha256}.
 *
 * @param kind {@code thumbnail} or {@code copy}
 */
public record ProcessedFile(String key, long size, String contentType, String sha256, String kind) {

    static final String THUMBNAIL = "thumbnail";
    static final String COPY = "copy";
}
