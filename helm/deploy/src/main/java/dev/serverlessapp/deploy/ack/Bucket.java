package dev.serverlessapp.deploy.ack;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** ACK {@code s3.services.k8s.aws/v1alpha1 Bucket}, with its notification configuration. */
@Group("s3.services.k8s.aws")
@Version("v1alpha1")
@Kind("Bucket")
public class Bucket extends AckResource<Bucket.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(String name, PublicAccessBlock publicAccessBlock, Notification notification) {
    }

    public record PublicAccessBlock(
            @JsonProperty("blockPublicACLs") Boolean blockPublicAcls,
            Boolean blockPublicPolicy,
            @JsonProperty("ignorePublicACLs") Boolean ignorePublicAcls,
            Boolean restrictPublicBuckets) {
    }

    public record Notification(List<QueueConfiguration> queueConfigurations) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QueueConfiguration(
            String id, @JsonProperty("queueARN") String queueArn, List<String> events, Filter filter) {
    }

    public record Filter(Key key) {
    }

    public record Key(List<FilterRule> filterRules) {
    }

    public record FilterRule(String name, String value) {
    }
}
