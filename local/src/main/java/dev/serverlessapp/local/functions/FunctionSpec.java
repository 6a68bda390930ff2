package dev.serverlessapp.local.functions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to run one function as a local process: its Spring Boot jar, the environment its Knative Service
 * container gets (with the local overrides), the file of JVM flags every image uses and what the local run
 * adds to it, whether it may scale to zero, and whether it is reachable from outside the cluster.
 */
public record FunctionSpec(String name, Path jar, Map<String, String> env, Path jvmArgsFile, List<String> extraJvmOptions,
                           String readinessPath, boolean scaleToZero, boolean external) {

    public FunctionSpec {
        env = Map.copyOf(env);
        extraJvmOptions = List.copyOf(extraJvmOptions);
    }
}
