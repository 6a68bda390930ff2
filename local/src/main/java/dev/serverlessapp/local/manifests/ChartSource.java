package dev.serverlessapp.local.manifests;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The chart, rendered with its default values, as typed documents. */
public final class ChartSource {

    private ChartSource() {
    }

    public static ChartModel render(Path chart, String namespace) {
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalStateException("No Helm chart at " + chart + ": run from the repository root");
        }
        String yaml = new Helm(chart).template().withName("serverless-app").withNamespace(namespace).call();
        return ChartModel.of(parse(yaml));
    }

    @SuppressWarnings("unchecked")
    static List<HasMetadata> parse(String yaml) {
        Object parsed = new KubernetesSerialization().unmarshal(yaml);
        if (parsed instanceof List<?> list) {
            return ((List<KubernetesResource>) list).stream().filter(HasMetadata.class::isInstance)
                    .map(HasMetadata.class::cast).toList();
        }
        return parsed instanceof HasMetadata one ? List.of(one) : List.of();
    }
}
