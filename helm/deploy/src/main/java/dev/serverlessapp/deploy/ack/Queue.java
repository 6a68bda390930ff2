package dev.serverlessapp.deploy.ack;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;

/** ACK {@code sqs.services.k8s.aws/v1alpha1 Queue}; ACK takes the queue attributes as strings. */
@Group("sqs.services.k8s.aws")
@Version("v1alpha1")
@Kind("Queue")
public class Queue extends AckResource<Queue.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(
            String queueName,
            String messageRetentionPeriod,
            String visibilityTimeout,
            String redrivePolicy,
            String policy) {
    }
}
