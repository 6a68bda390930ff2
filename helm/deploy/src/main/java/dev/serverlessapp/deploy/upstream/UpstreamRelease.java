package dev.serverlessapp.deploy.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Knative releases the chart supports, as vendored under {@code helm/upstream} (SOURCES.tsv
 * names repository, tag and commit of every file): the oldest and the newest, checked both. The
 * ACK controllers' and prometheus-operator's CRDs are one version each, used with either.
 */
public record UpstreamRelease(String serving, String eventing, String kafkaBroker) {

    /** The oldest supported: the first with IntegrationSource/IntegrationSink and EventPolicy. */
    public static final UpstreamRelease OLDEST = new UpstreamRelease("1.17.2", "1.17.6", "1.17.3");
    /** The newest release vendored (Eventing and its Kafka broker have no 1.23 in the vendored history yet). */
    public static final UpstreamRelease NEWEST = new UpstreamRelease("1.23.0", "1.22.2", "1.22.3");
    public static final List<UpstreamRelease> SUPPORTED = List.of(OLDEST, NEWEST);

    public Path servingDir(Path upstream) {
        return upstream.resolve("knative-serving").resolve(serving);
    }

    public Path eventingDir(Path upstream) {
        return upstream.resolve("knative-eventing").resolve(eventing);
    }

    public Path kafkaBrokerDir(Path upstream) {
        return upstream.resolve("knative-eventing-kafka-broker").resolve(kafkaBroker);
    }

    /** Every CRD file that applies to this release. */
    public List<Path> crdFiles(Path upstream) {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(servingDir(upstream), eventingDir(upstream), upstream.resolve("ack"), upstream.resolve("prometheus-operator"))) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(f -> f.getFileName().toString().startsWith("crd-")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the vendored CRDs under " + dir, e);
            }
        }
        return files;
    }

    @Override
    public String toString() {
        return "Knative Serving " + serving + ", Eventing " + eventing + ", Kafka broker " + kafkaBroker;
    }
}
