package dev.serverlessapp.local;

import dev.serverlessapp.local.aws.LocalAws;
import dev.serverlessapp.local.manifests.ChartModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the chart's functions and sources refer to, made to exist: the queues (with their dead-letter
 * queues where a source reads them), and each function's environment pointing at them. The table each
 * function makes itself at its start ({@code DYNAMODB_CREATE_TABLE}, set by {@link LocalAws}).
 */
final class Provisioning {

    /** The queues' URLs by name, each function's environment by name, and the bucket uploads go to. */
    record Provisioned(Map<String, String> queues, Map<String, Map<String, String>> environments, String bucket) {
    }

    static final String DEFAULT_BUCKET = "serverless-app-files";

    private Provisioning() {
    }

    static Provisioned provision(ChartModel chart, LocalAws aws, Map<String, String> extraEnv) {
        Map<String, String> queues = new LinkedHashMap<>();
        chart.integrationSources().stream().map(ChartModel.IntegrationSource::sqsQueue).filter(Objects::nonNull)
                .forEach(queue -> queues.computeIfAbsent(queue, n -> aws.ensureQueue(n, true)));
        chart.integrationSinks().stream().map(ChartModel.IntegrationSink::sqsQueue).filter(Objects::nonNull)
                .forEach(queue -> queues.computeIfAbsent(queue, n -> aws.ensureQueue(n, false)));
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        List<String> buckets = new ArrayList<>();
        for (ChartModel.Service service : chart.services()) {
            Map<String, String> env = environment(service, aws.functionEnvironment(), extraEnv);
            // A queue a function writes to is made here too, and its URL is the local one.
            env.replaceAll((name, value) -> name.endsWith("_QUEUE_URL") && !value.isBlank()
                    ? queues.computeIfAbsent(value.substring(value.lastIndexOf('/') + 1), n -> aws.ensureQueue(n, true))
                    : value);
            Optional.ofNullable(env.get("S3_BUCKET")).filter(b -> !b.isBlank() && !buckets.contains(b)).ifPresent(buckets::add);
            environments.put(service.name(), env);
        }
        return new Provisioned(queues, environments, buckets.isEmpty() ? DEFAULT_BUCKET : buckets.getFirst());
    }

    /**
     * The container's environment from the chart, then what reaches the local backends (a null value removes
     * a variable), then the user's {@code --env}: {@code NAME} for every function, {@code function:NAME} for one.
     */
    static Map<String, String> environment(ChartModel.Service service, Map<String, String> backends,
                                           Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>(service.env());
        backends.forEach((name, value) -> {
            if (value == null) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
        });
        String function = service.name();
        extraEnv.forEach((key, value) -> {
            int colon = key.indexOf(':');
            if (colon < 0) {
                env.put(key, value);
            } else if (key.substring(0, colon).equals(function)) {
                env.put(key.substring(colon + 1), value);
            }
        });
        return env;
    }
}
