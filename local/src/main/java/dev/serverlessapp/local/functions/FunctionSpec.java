package dev.serverlessapp.local.functions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to run one function as a local process: its Spring Boot jar, the environment its Knative Service
 * container gets (with the local overrides), JVM options, and whether it may scale to zero.
 */
public record FunctionSpec(String name, Path jar, Map<String, String> env, List<String> jvmOptions,
                           String readinessPath, boolean scaleToZero) {

    public FunctionSpec {
        env = Map.copyOf(env);
        jvmOptions = List.copyOf(jvmOptions);
    }
}
