package dev.serverlessapp.connector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment Knative Eventing gives the container of an SQS IntegrationSource or IntegrationSink,
 * from its spec as the API server stores it. Read from knative/eventing at knative-v1.22.2:
 * <ul>
 *   <li>{@code pkg/reconciler/integration/source/resources/containersource.go} and
 *       {@code .../sink/resources/container_image.go} ({@code makeEnv}), and
 *       {@code pkg/reconciler/integration/helper.go} ({@code GenerateEnvVarsFromStruct}): every field of
 *       {@code spec.aws.sqs} becomes {@code CAMEL_KAMELET_AWS_SQS_SOURCE_<JSON NAME>} (or {@code _SINK_}; or
 *       its {@code camel} tag), empty strings left out but zeros and {@code false} kept; a source's SSL
 *       variables (a sink gets TLS ones only with transport encryption on, which is off by default); the
 *       credentials from the Secret, else the default AWS chain;</li>
 *   <li>the CRD's defaults ({@code config/core/resources/integrationsource.yaml}), which the API server
 *       fills in before the reconciler reads the spec;</li>
 *   <li>{@code pkg/apis/sources/v1/sinkbinding_lifecycle.go}: {@code K_SINK}, and {@code K_CE_OVERRIDES}
 *       as the JSON of {@code ceOverrides} (empty without them).</li>
 * </ul>
 */
final class KnativeEnvironment {

    /** The fields of Knative's AWSSQS struct in order: JSON name, variable suffix, CRD default. */
    private record Field(String json, String variable, Object crdDefault) {
    }

    private static final List<Field> SQS_FIELDS = List.of(
            new Field("region", "REGION", ""),
            new Field("uriEndpointOverride", "URIENDPOINTOVERRIDE", ""),
            new Field("overrideEndpoint", "OVERRIDEENDPOINT", false),
            new Field("arn", "QUEUE_NAME_OR_ARN", ""),
            new Field("deleteAfterRead", "DELETEAFTERREAD", true),
            new Field("autoCreateQueue", "AUTOCREATEQUEUE", false),
            new Field("host", "AMAZONAWSHOST", "amazonaws.com"),
            new Field("protocol", "PROTOCOL", "https"),
            new Field("queueURL", "QUEUEURL", ""),
            new Field("greedy", "GREEDY", false),
            new Field("delay", "DELAY", 500),
            new Field("maxMessagesPerPoll", "MAXMESSAGESPERPOLL", 1),
            new Field("waitTimeSeconds", "WAITTIMESECONDS", 0),
            new Field("visibilityTimeout", "VISIBILITYTIMEOUT", 0));

    private KnativeEnvironment() {
    }

    /**
     * @param spec        the IntegrationSource's {@code spec}
     * @param sink        the URL Knative resolved its sink to
     * @param secretKeys  the Secret's {@code aws.accessKey} and {@code aws.secretKey}, when the spec names one
     */
    static Map<String, String> ofSource(Map<String, Object> spec, String sink, Map<String, String> secretKeys) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CAMEL_KNATIVE_CLIENT_SSL_ENABLED", "true");
        env.put("CAMEL_KNATIVE_CLIENT_SSL_CERT_PATH", "/knative-custom-certs/knative-eventing-bundle.pem");
        env.putAll(aws("CAMEL_KAMELET_AWS_SQS_SOURCE_", spec, secretKeys));
        env.put("K_SINK", sink);
        env.put("K_CE_OVERRIDES", spec.get("ceOverrides") == null ? "" : json(spec.get("ceOverrides")));
        return env;
    }

    /** The same for the IntegrationSink's {@code spec}. */
    static Map<String, String> ofSink(Map<String, Object> spec, Map<String, String> secretKeys) {
        return aws("CAMEL_KAMELET_AWS_SQS_SINK_", spec, secretKeys);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> aws(String prefix, Map<String, Object> spec, Map<String, String> secretKeys) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, Object> aws = (Map<String, Object>) spec.get("aws");
        Map<String, Object> sqs = (Map<String, Object>) aws.get("sqs");
        for (Field field : SQS_FIELDS) {
            String value = String.valueOf(sqs.getOrDefault(field.json(), field.crdDefault()));
            if (!value.isEmpty()) {
                env.put(prefix + field.variable(), value);
            }
        }
        Map<String, Object> auth = (Map<String, Object>) aws.getOrDefault("auth", Map.of());
        if (auth.get("secret") != null) {
            env.put(prefix + "ACCESSKEY", secretKeys.get("aws.accessKey"));
            env.put(prefix + "SECRETKEY", secretKeys.get("aws.secretKey"));
        } else {
            env.put(prefix + "USE_DEFAULT_CREDENTIALS_PROVIDER", "true");
        }
        return env;
    }

    private static String json(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
