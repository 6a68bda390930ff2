package dev.serverlessapp.local.manifests;

import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment a Knative Service's container gets, resolved from the rendered chart's ConfigMaps and Secrets
 * as the kubelet would (in the render's child JVM, by {@link ChartModelReader}).
 */
public final class ServiceEnvironment {

    private static final Logger log = LoggerFactory.getLogger(ServiceEnvironment.class);

    private ServiceEnvironment() {
    }

    public static Container container(Service service) {
        return service.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    public static Map<String, String> of(Service service, String namespace, List<ConfigMap> configMaps, List<Secret> secrets) {
        String name = service.getMetadata().getName();
        Container container = container(service);
        Map<String, String> env = new LinkedHashMap<>();
        // What Knative Serving adds to every revision's container.
        env.put("K_SERVICE", name);
        env.put("K_CONFIGURATION", name);
        env.put("K_REVISION", name + "-local");
        if (container.getEnvFrom() != null) {
            for (EnvFromSource from : container.getEnvFrom()) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                if (from.getConfigMapRef() != null) {
                    configMap(configMaps, from.getConfigMapRef().getName())
                            .ifPresent(c -> data(c).forEach((k, v) -> env.put(prefix + k, v)));
                }
                if (from.getSecretRef() != null) {
                    secret(secrets, from.getSecretRef().getName())
                            .ifPresent(s -> secretData(s).forEach((k, v) -> env.put(prefix + k, v)));
                }
            }
        }
        if (container.getEnv() != null) {
            for (EnvVar variable : container.getEnv()) {
                String value = variable.getValueFrom() == null ? variable.getValue()
                        : resolve(name, variable.getName(), variable.getValueFrom(), namespace, configMaps, secrets);
                if (value != null) {
                    env.put(variable.getName(), value);
                }
            }
        }
        return env;
    }

    private static String resolve(String service, String variable, EnvVarSource source, String namespace,
                                  List<ConfigMap> configMaps, List<Secret> secrets) {
        if (source.getConfigMapKeyRef() != null) {
            return configMap(configMaps, source.getConfigMapKeyRef().getName())
                    .map(c -> data(c).get(source.getConfigMapKeyRef().getKey())).orElse(null);
        }
        if (source.getSecretKeyRef() != null) {
            Optional<Secret> secret = secret(secrets, source.getSecretKeyRef().getName());
            if (secret.isEmpty()) {
                log.info("{}: {} comes from Secret {}, which the chart does not render; left unset locally",
                        service, variable, source.getSecretKeyRef().getName());
            }
            return secret.map(s -> secretData(s).get(source.getSecretKeyRef().getKey())).orElse(null);
        }
        if (source.getFieldRef() != null) {
            return switch (source.getFieldRef().getFieldPath()) {
                case "metadata.namespace" -> namespace;
                case "metadata.name" -> service + "-local";
                default -> null;
            };
        }
        return null;
    }

    private static Optional<ConfigMap> configMap(List<ConfigMap> configMaps, String name) {
        return configMaps.stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst();
    }

    private static Optional<Secret> secret(List<Secret> secrets, String name) {
        return secrets.stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst();
    }

    private static Map<String, String> data(ConfigMap configMap) {
        return configMap.getData() == null ? Map.of() : configMap.getData();
    }

    private static Map<String, String> secretData(Secret secret) {
        Map<String, String> data = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            data.putAll(secret.getStringData());
        }
        return data;
    }
}
