package dev.serverlessapp.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Helm chart, rendered the way {@code helm template} would, through helm-java (Helm's own Go
 * code, so no helm binary is needed). Resource names do not depend on the release name.
 */
public final class Chart {

    /** Release name and namespace used for {@code k8s/} and by default. */
    public static final String DEFAULT_RELEASE = "serverless-app";
    public static final String DEFAULT_NAMESPACE = "serverless-app";
    /** The Kubernetes version renders assume: the oldest Chart.yaml's kubeVersion admits (Knative 1.17's minimum). */
    public static final String KUBE_VERSION = "v1.30.0";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Chart() {
    }

    /** Renders the chart with these values over its defaults, into {@link #DEFAULT_NAMESPACE}. */
    public static String render(Path chartDir, Map<String, Object> values) {
        return render(chartDir, values, DEFAULT_NAMESPACE);
    }

    public static String render(Path chartDir, Map<String, Object> values, String namespace) {
        return render(chartDir, values, namespace, List.of());
    }

    /** With {@code --set key=value} arguments on top of the values, parsed by Helm as its CLI does. */
    public static String render(Path chartDir, Map<String, Object> values, String namespace, List<String> sets) {
        Path valuesFile = writeValues(values);
        try {
            var template = new Helm(chartDir)
                    .template()
                    .withName(DEFAULT_RELEASE)
                    .withNamespace(namespace)
                    .withKubeVersion(KUBE_VERSION)
                    .withValuesFile(valuesFile);
            for (String set : sets) {
                int equals = set.indexOf('=');
                template.set(set.substring(0, equals), set.substring(equals + 1));
            }
            return template.call();
        } catch (RuntimeException e) {
            throw new ManifestException("helm template failed for " + chartDir + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(valuesFile);
        }
    }

    /** {@code helm lint --strict}: the messages, empty when the chart is clean. */
    public static List<String> lint(Path chartDir) {
        LintResult result = new Helm(chartDir).lint().strict().call();
        if (!result.isFailed() && result.getMessages().stream().noneMatch(Chart::isProblem)) {
            return List.of();
        }
        return result.getMessages();
    }

    private static boolean isProblem(String message) {
        return message.contains("[ERROR]") || message.contains("[WARNING]");
    }

    private static Path writeValues(Map<String, Object> values) {
        try {
            Path file = Files.createTempFile("serverless-app-values", ".yaml");
            YAML.writeValue(file.toFile(), values);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp file is harmless
        }
    }
}
