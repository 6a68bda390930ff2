package dev.serverlessapp.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Thumbnail sizing and the caps that keep a huge image from exhausting the heap. */
class ThumbnailerTest {

    final Thumbnailer thumbnailer = new Thumbnailer(new FileProcessorProperties("uploads", 256, DataSize.ofMegabytes(16), 4_000_000, 1));

    @AfterEach
    void stop() {
        thumbnailer.close();
    }

    @Test
    void longerSideIsScaledToTheMaximumKeepingTheAspectRatio() {
        assertThat(Thumbnailer.fit(1024, 512, 256)).containsExactly(256, 128);
        assertThat(Thumbnailer.fit(300, 1200, 256)).containsExactly(64, 256);
    }

    @Test
    void smallImagesAreNeverEnlarged() {
        assertThat(Thumbnailer.fit(100, 40, 256)).containsExactly(100, 40);
        assertThat(Thumbnailer.fit(256, 256, 256)).containsExactly(256, 256);
    }

    @Test
    void aVeryThinImageKeepsAtLeastOnePixel() {
        assertThat(Thumbnailer.fit(10_000, 1, 256)).containsExactly(256, 1);
    }

    @Test
    void largeImagesAreDecodedSubsampledSoTheRasterStaysSmall() {
        assertThat(Thumbnailer.subsampling(800, 600, 256)).isEqualTo(1);
        int step = Thumbnailer.subsampling(20_000, 10_000, 256);
        assertThat(20_000 / step).isBetween(4 * 256, 8 * 256);
    }

    @Test
    void imagesAreRecognisedByContentTypeOrExtension() {
        assertThat(FileProcessor.isImage("a/photo.JPG", null)).isTrue();
        assertThat(FileProcessor.isImage("scan", "image/bmp")).isTrue();
        assertThat(FileProcessor.isImage("noextension", "application/octet-stream")).isFalse();
        assertThat(FileProcessor.isImage("notes.txt", "text/plain; charset=utf-8")).isFalse();
        assertThat(FileProcessor.isImage("picture.tiff", "image/tiff")).isFalse();
    }

    @Test
    void pngBecomesAPngNoLargerThanTheMaximum() throws IOException {
        Thumbnailer.Thumbnail thumbnail = thumbnailer.thumbnail(stream(image(1500, 1000), "png"), "test.png").block();

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(thumbnail.bytes()));
        assertThat(thumbnail.contentType()).isEqualTo("image/png");
        assertThat(decoded.getWidth()).isEqualTo(256);
        assertThat(decoded.getHeight()).isEqualTo(171);
    }

    @Test
    void imageWithMorePixelsThanTheCapIsNotDecoded() throws IOException {
        // 2500 x 2000 = 5 MP, above this thumbnailer's 4 MP cap: the caller copies it instead.
        assertThat(thumbnailer.thumbnail(stream(image(2500, 2000), "png"), "big.png").block()).isNull();
    }

    @Test
    void bytesThatAreNotAnImageAreNotDecoded() {
        assertThat(thumbnailer.thumbnail(new ByteArrayInputStream("just text".getBytes()), "fake.png").block()).isNull();
    }

    @Test
    void formatOutsideTheFourIsNotDecoded() throws IOException {
        assertThat(thumbnailer.thumbnail(stream(image(300, 300), "tiff"), "scan.png").block()).isNull();
    }

    static BufferedImage image(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var graphics = image.createGraphics();
        graphics.setColor(java.awt.Color.ORANGE);
        graphics.fillRect(0, 0, width, height / 2);
        graphics.dispose();
        return image;
    }

    static ByteArrayInputStream stream(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return new ByteArrayInputStream(out.toByteArray());
    }
}
