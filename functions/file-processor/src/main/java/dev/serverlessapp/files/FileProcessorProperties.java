package dev.serverlessapp.files;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * How uploads are processed (application.yaml binds the environment variables named here, with their defaults).
 *
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
        int thumbnailMaxSize,
        DataSize imageMaxBytes,
        long imageMaxPixels,
        int imageThreads) {

    public FileProcessorProperties {
        if (thumbnailMaxSize < 1 || imageThreads < 1 || imageMaxPixels < 1) {
            throw new IllegalArgumentException("THUMBNAIL_MAX_SIZE, IMAGE_MAX_PIXELS and IMAGE_THREADS must be positive");
        }
    }
}
