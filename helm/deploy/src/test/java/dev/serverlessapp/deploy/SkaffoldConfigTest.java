package dev.serverlessapp.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** skaffold builds an image for every function the chart deploys, and the chart runs exactly that image. */
class SkaffoldConfigTest {

    private static final Path SKAFFOLD = ChartFixtures.CHART.resolve("../../skaffold.yaml");

    @Test
    void everyDeployedFunctionIsBuiltWithJibAndGetsItsBuiltImage() throws IOException {
        JsonNode skaffold = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(SKAFFOLD));
        List<String> functions = ChartFixtures.render(Map.of()).services().stream().map(s -> s.getMetadata().getName()).toList();

        List<String> projects = new ArrayList<>();
        skaffold.path("build").path("artifacts").forEach(artifact -> {
            assertThat(artifact.path("image").asText()).isEqualTo("serverless-app/" + artifact.path("jib").path("project").asText().replace("functions/", ""));
            projects.add(artifact.path("jib").path("project").asText());
        });
        assertThat(projects).containsExactlyInAnyOrderElementsOf(functions.stream().map(f -> "functions/" + f).toList());

        JsonNode release = skaffold.path("deploy").path("helm").path("releases").get(0);
        assertThat(ChartFixtures.CHART.getParent().getParent().resolve(release.path("chartPath").asText()).normalize())
                .isEqualTo(ChartFixtures.CHART.normalize());
        JsonNode templates = release.path("setValueTemplates");
        for (String function : functions) {
            String key = function.replace('-', '_');
            assertThat(templates.path("functions." + function + ".image.repository").asText())
                    .isEqualTo("{{.IMAGE_REPO_serverless_app_" + key + "}}");
            assertThat(templates.path("functions." + function + ".image.tag").asText())
                    .isEqualTo("{{.IMAGE_TAG_serverless_app_" + key + "}}");
        }
        // What skaffold sets must be a value the chart accepts and uses.
        var manifests = ChartFixtures.render(Map.of("functions", Map.of("email-worker",
                Map.of("image", Map.of("repository", "localhost:5000/serverless-app/email-worker", "tag", "abc123")))));
        assertThat(Manifests.container(manifests.find(io.fabric8.knative.serving.v1.Service.class, "email-worker").orElseThrow()).getImage())
                .isEqualTo("localhost:5000/serverless-app/email-worker:abc123");
    }
}
