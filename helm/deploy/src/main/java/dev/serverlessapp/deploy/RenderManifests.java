package dev.serverlessapp.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@code k8s/} from the chart's default values, so that {@code kubectl apply -k k8s/} installs
 * exactly what {@code helm install} would. Run it after changing the chart:
 * <pre>./mvnw -q -pl helm/deploy -am -Prender-k8s process-classes</pre>
 * {@code K8sManifestsMatchChartTest} fails while {@code k8s/} is out of date.
 */
public final class RenderManifests {

    static final String HEADER = """
            # Generated from helm/serverless-app with its default values (namespace %s).
            # Do not edit: change the chart, then run ./mvnw -q -pl helm/deploy -am -Prender-k8s process-classes
            """.formatted(Chart.DEFAULT_NAMESPACE);

    /** Pod Security Standards as of the oldest supported Kubernetes (Chart.yaml kubeVersion). */
    static final String POLICY_VERSION = "v1.30";

    private RenderManifests() {
    }

    /** File name → content of everything in {@code k8s/}. */
    public static Map<String, String> files(Path chartDir) {
        String rendered = Chart.render(chartDir, Map.of());
        Manifests manifests = Manifests.parse(rendered); // never write what the checks could not even read
        Map<String, String> files = new LinkedHashMap<>();
        files.put("namespace.yaml", HEADER + namespace(Chart.DEFAULT_NAMESPACE, PodSecurity.enforceableLevel(manifests)));
        files.put("serverless-app.yaml", HEADER + rendered.stripLeading());
        files.put("kustomization.yaml", HEADER + """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                # The Trigger of scheduled-tasks filters on the PingSource's source, which names the
                # namespace: to install elsewhere, render the chart with that namespace instead.
                resources:
                  - namespace.yaml
                  - serverless-app.yaml
                """);
        return files;
    }

    /**
     * The namespace with its Pod Security admission labels: it enforces the strictest level every
     * pod of the install meets ({@link PodSecurity}), and warns and audits "restricted".
     */
    static String namespace(String name, String enforce) {
        String why = enforce.equals(PodSecurity.RESTRICTED)
                ? """
                    # Pod Security admission: every pod here (the functions and their queue-proxy) meets "restricted".
                """
                : """
                    # Pod Security admission: the functions' pods meet "restricted", but the pods Knative Eventing
                    # runs here for the IntegrationSources and the IntegrationSink set no securityContext and meet
                    # "baseline" only; "restricted" is warned about and audited (README: Deploy).
                """;
        return """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                  labels:
                    app.kubernetes.io/part-of: serverless-app
                """.formatted(name) + why + """
                    pod-security.kubernetes.io/enforce: %s
                    pod-security.kubernetes.io/enforce-version: %s
                    pod-security.kubernetes.io/warn: restricted
                    pod-security.kubernetes.io/warn-version: %s
                    pod-security.kubernetes.io/audit: restricted
                    pod-security.kubernetes.io/audit-version: %s
                """.formatted(enforce, POLICY_VERSION, POLICY_VERSION, POLICY_VERSION);
    }

    public static void main(String[] args) throws IOException {
        Path chartDir = Path.of(args.length > 0 ? args[0] : "helm/serverless-app");
        Path outDir = Path.of(args.length > 1 ? args[1] : "k8s");
        Files.createDirectories(outDir);
        for (var file : files(chartDir).entrySet()) {
            Files.writeString(outDir.resolve(file.getKey()), file.getValue());
            System.out.println("wrote " + outDir.resolve(file.getKey()));
        }
    }
}
