package dev.serverlessapp.deploy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code verify}: checks an installed serverless-app on the cluster of the current kube context.
 * <pre>
 * ./mvnw -q -pl helm/deploy -am -Pverify-cluster process-classes -Dverify.args="--namespace serverless-app --timeout PT5M"
 * </pre>
 * Options: {@code --namespace} (default serverless-app), {@code --timeout} (ISO-8601, default PT5M),
 * {@code --chart} (default helm/serverless-app). Exit code 0 when all are Ready, 1 otherwise.
 */
public final class VerifyCommand {

    private VerifyCommand() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = options(args);
        String namespace = options.getOrDefault("--namespace", Chart.DEFAULT_NAMESPACE);
        Duration timeout = Duration.parse(options.getOrDefault("--timeout", "PT5M"));
        Path chart = Path.of(options.getOrDefault("--chart", "helm/serverless-app"));
        Manifests expected = Manifests.parse(Chart.render(chart, Map.of(), namespace));
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            Verify.Report report = new Verify(client, namespace).waitForReady(expected, timeout, Duration.ofSeconds(5));
            report.statuses().forEach(System.out::println);
            System.out.println(report.allReady() ? "all Ready" : report.notReady().size() + " not Ready");
            System.exit(report.allReady() ? 0 : 1);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }
}
