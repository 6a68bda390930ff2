package dev.serverlessapp.deploy;

import static dev.serverlessapp.deploy.ChartFixtures.CHART;
import static dev.serverlessapp.deploy.ChartFixtures.K8S;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** k8s/ is the chart rendered with its defaults; it must never drift from the chart. */
class K8sManifestsMatchChartTest {

    @Test
    void k8sDirectoryIsTheChartRenderedWithItsDefaults() throws IOException {
        Map<String, String> expected = RenderManifests.files(CHART);

        try (Stream<java.nio.file.Path> files = Files.list(K8S)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("files in k8s/").containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
        for (var file : expected.entrySet()) {
            assertThat(Files.readString(K8S.resolve(file.getKey())))
                    .as("k8s/%s is out of date: run ./mvnw -q -pl helm/deploy -am -Prender-k8s process-classes", file.getKey())
                    .isEqualTo(file.getValue());
        }
    }

    @Test
    void k8sManifestsPassTheChecks() throws IOException {
        Manifests manifests = Manifests.parse(Files.readString(K8S.resolve("serverless-app.yaml")));

        assertThat(ManifestChecks.all(manifests)).isEmpty();
    }
}
