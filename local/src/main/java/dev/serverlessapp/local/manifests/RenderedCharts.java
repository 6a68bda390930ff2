package dev.serverlessapp.local.manifests;

import dev.serverlessapp.deploy.Chart;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rendered charts (as {@link ChartModel} JSON) kept in a folder, keyed by a hash of everything the render
 * depends on: each file of the chart (name and bytes), the namespace, and the renderer (our {@link Chart},
 * the classes that read its manifests into the model, and helm-java's version). A chart unchanged since its
 * last render is read back instead of rendered again, which takes a JVM of its own and seconds of CPU; a
 * changed file makes another key, so the routing still follows the chart.
 */
public final class RenderedCharts {

    private static final Logger log = LoggerFactory.getLogger(RenderedCharts.class);

    /**
     * The renderer, by resource name: naming a class would load it, and with it (once the AOT cache verifies
     * it) fabric8 and the YAML stack, which the runtime's JVM leaves to the render's child.
     */
    static final List<String> RENDERER = List.of("/dev/serverlessapp/deploy/Chart.class",
            "/dev/serverlessapp/deploy/TriggerFilters.class", "/dev/serverlessapp/local/manifests/ChartModelReader.class",
            "/dev/serverlessapp/local/manifests/ServiceEnvironment.class", "/dev/serverlessapp/local/manifests/ChartModel.class",
            "/META-INF/maven/com.marcnuri.helm-java/helm-java/pom.properties");

    private final Path folder;

    public RenderedCharts(Path folder) {
        this.folder = folder;
    }

    /** The chart's render: a kept one for the same key, else {@code render}'s, then kept. */
    public String get(Path chart, String namespace, Supplier<String> render) {
        Path file = folder.resolve(key(chart, namespace) + ".json");
        try {
            return Files.readString(file);
        } catch (IOException notKept) {
            String rendered = render.get();
            keep(file, rendered);
            return rendered;
        }
    }

    /** Only the newest render stays: an older one belongs to a chart that is no more. */
    private void keep(Path file, String rendered) {
        try {
            Files.createDirectories(folder);
            try (Stream<Path> old = Files.list(folder)) {
                old.filter(f -> f.getFileName().toString().matches(".*\\.(json|yaml)")).forEach(f -> f.toFile().delete());
            }
            Path partial = Files.createTempFile(folder, "rendering", ".part");
            Files.writeString(partial, rendered);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // Only the next start is slower for it.
            log.warn("could not keep the rendered chart in {}: {}", folder, e.getMessage());
        }
    }

    static String key(Path chart, String namespace) {
        try (Stream<Path> walk = Files.walk(chart)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, namespace.getBytes(StandardCharsets.UTF_8));
            for (String part : RENDERER) {
                update(digest, resource(part));
            }
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            for (Path file : files) {
                update(digest, chart.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                update(digest, Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the chart " + chart, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Length first, so that no two different sequences of parts hash alike. */
    private static void update(MessageDigest digest, byte[] part) {
        digest.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array());
        digest.update(part);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = RenderedCharts.class.getResourceAsStream(name)) {
            return in == null ? new byte[0] : in.readAllBytes();
        }
    }

    /** The build renders the chart into the folder, so that the first start after it renders nothing. */
    public static void main(String[] args) {
        Path chart = Path.of(args[1]);
        String namespace = args[2];
        new RenderedCharts(Path.of(args[0])).get(chart, namespace, () -> ChartSource.json(Chart.render(chart, Map.of(), namespace)));
    }
}
