package dev.serverlessapp.files;

import dev.serverlessapp.reactive.BlockingWork;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Makes thumbnails with ImageIO, which blocks: this is the one place it runs, on its own bounded
 * scheduler, never on a Netty event loop. At most {@code imageThreads} images are in memory at once.
 * <p>
 * A huge image must not exhaust the heap: one above {@code imageMaxBytes} is not read at all (the
 * caller checks), one above {@code imageMaxPixels} is not decoded, and the rest are decoded with
 * source subsampling, so the raster is at most about {@code 8 × thumbnailMaxSize} pixels on a side
 * whatever the image's size. An image that is not decoded is copied unchanged instead.
 */
class Thumbnailer implements AutoCloseable {

    /** The formats the issue names, by ImageIO format name, with the content type of the thumbnail. */
    static final Map<String, String> FORMATS = Map.of(
            "png", "image/png", "jpeg", "image/jpeg", "gif", "image/gif", "bmp", "image/bmp");

    private static final Logger log = LoggerFactory.getLogger(Thumbnailer.class);

    private final int maxSize;
    private final long maxPixels;
    private final Scheduler imageScheduler;

    Thumbnailer(FileProcessorProperties properties) {
        this.maxSize = properties.thumbnailMaxSize();
        this.maxPixels = properties.imageMaxPixels();
        this.imageScheduler = Schedulers.newBoundedElastic(properties.imageThreads(), 1000, "image-decoder");
    }

    /** An encoded thumbnail. */
    record Thumbnail(byte[] bytes, String contentType, int width, int height) {
    }

    /**
     * The thumbnail of the image the stream holds, or empty when it is not an image this function
     * decodes. The stream is read and closed on the image scheduler.
     */
    Mono<Thumbnail> thumbnail(InputStream image, String name) {
        return BlockingWork.on(imageScheduler, () -> {
            try (image) {
                return decodeAndScale(image, name).orElse(null);
            }
        });
    }

    private Optional<Thumbnail> decodeAndScale(InputStream image, String name) throws IOException {
        try (ImageInputStream input = new MemoryCacheImageInputStream(image)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                log.info("Not decoding {}: no image format recognised", name);
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!FORMATS.containsKey(format)) {
                    log.info("Not decoding {}: {} is not a thumbnail format", name, format);
                    return Optional.empty();
                }
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if ((long) width * height > maxPixels) {
                    log.warn("Not decoding {}: {}x{} is more than {} pixels", name, width, height, maxPixels);
                    return Optional.empty();
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(width, height, maxSize);
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage decoded = reader.read(0, param);
                int[] size = fit(width, height, maxSize);
                return Optional.of(encode(scale(decoded, size[0], size[1], format), format));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // A truncated or corrupt image is kept as it is: copying loses nothing.
            log.warn("Not decoding {}: {}", name, e.toString());
            return Optional.empty();
        }
    }

    /** The thumbnail's size: the image scaled to fit {@code max} on its longer side, never enlarged. */
    static int[] fit(int width, int height, int max) {
        int longer = Math.max(width, height);
        if (longer <= max) {
            return new int[] {width, height};
        }
        double scale = (double) max / longer;
        return new int[] {
                Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
    }

    /**
     * Read every n-th pixel so that the decoded image keeps at least four times the thumbnail's size
     * (enough for a smooth scale) and at most about eight times, whatever the image's size.
     */
    static int subsampling(int width, int height, int max) {
        return Math.max(1, Math.max(width, height) / (4 * max));
    }

    private static BufferedImage scale(BufferedImage source, int width, int height, String format) {
        // JPEG and BMP have no alpha channel; their writers refuse ARGB images.
        int type = format.equals("png") || format.equals("gif") ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage target = new BufferedImage(width, height, type);
        Graphics2D graphics = target.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            graphics.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            graphics.drawImage(source, 0, 0, width, height, null);
        } finally {
            graphics.dispose();
        }
        return target;
    }

    private static Thumbnail encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("No ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Thumbnail(out.toByteArray(), FORMATS.get(format), image.getWidth(), image.getHeight());
    }

    @Override
    public void close() {
        imageScheduler.dispose();
    }
}
