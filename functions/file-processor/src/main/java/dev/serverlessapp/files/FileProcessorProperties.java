package dev.serverlessapp.files;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * How uploads are processed (application.yaml binds the environment variables named here, with their defaults).
 *
 * @param bucket           the bucket whose uploads are processed ({@code S3_BUCKET}): a notification names its
 *                         bucket, and one that names another is refused, so an event's sender cannot point the
 *                         function at a bucket of its choosing
 * @param thumbnailMaxSize the longest side of a thumbnail, in pixels ({@code THUMBNAIL_MAX_SIZE})
 * @param imageMaxBytes    images larger than this are copied, not decoded: the compressed bytes are
 *                         held in memory while decoding ({@code IMAGE_MAX_BYTES})
 * @param imageMaxPixels   images with more pixels than this are copied, not decoded: a small file can
 *                         declare a huge canvas, and decoding it would take minutes ({@code IMAGE_MAX_PIXELS})
 * @param imageThreads     how many images are decoded at once; each holds up to {@code imageMaxBytes}
 *                         plus a subsampled raster ({@code IMAGE_THREADS})
 */
@ConfigurationProperties("app.files")
public record FileProcessorProperties(
        String bucket,
        int thumbnailMaxSize,
        DataSize imageMaxBytes,
        long imageMaxPixels,
        int imageThreads) {

    public FileProcessorProperties {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("Set S3_BUCKET: the bucket whose uploads file-processor processes");
        }
        if (thumbnailMaxSize < 1 || imageThreads < 1 || imageMaxPixels < 1) {
            throw new IllegalArgumentException("THUMBNAIL_MAX_SIZE, IMAGE_MAX_PIXELS and IMAGE_THREADS must be positive");
        }
    }
}
