package dev.serverlessapp.support.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the AWS clients go. Bound from the standard variables, with their defaults, by function-defaults.yaml:
 * {@code AWS_REGION}, {@code AWS_ENDPOINT_URL} and the per-service {@code AWS_ENDPOINT_URL_<SERVICE>}.
 *
 * @param region          the region every client uses
 * @param endpointUrl     one endpoint for every service (LocalStack), or empty for AWS
 * @param endpoints       per-service endpoints, by SDK service id ({@code dynamodb}, {@code sqs}, {@code s3}, {@code sesv2})
 * @param s3PathStyle     path-style S3 addressing, which S3-compatible stores need
 * @param accessKeyId     static credentials for local emulators only; empty means the default chain
 * @param secretAccessKey see {@code accessKeyId}
 * @param apiCallTimeout  the longest a DynamoDB, SQS or SES call may take, retries included
 *                        ({@code AWS_API_CALL_TIMEOUT}); past it the call fails and the function answers
 *                        503. S3 has none: it streams objects of any size.
 */
@ConfigurationProperties("aws")
public record AwsProperties(
        String region,
        URI endpointUrl,
        @DefaultValue Map<String, URI> endpoints,
        boolean s3PathStyle,
        String accessKeyId,
        String secretAccessKey,
        Duration apiCallTimeout) {

    /** The endpoint for one service: its own override, else the shared one, else null (AWS). */
    public URI endpointFor(String service) {
        URI own = endpoints.get(service);
        return isSet(own) ? own : isSet(endpointUrl) ? endpointUrl : null;
    }

    /** An unset variable binds as an empty URI. */
    private static boolean isSet(URI uri) {
        return uri != null && !uri.toString().isBlank();
    }

    public boolean hasStaticCredentials() {
        return accessKeyId != null && !accessKeyId.isBlank();
    }
}
