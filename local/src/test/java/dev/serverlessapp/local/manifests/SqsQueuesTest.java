package dev.serverlessapp.local.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.knative.eventing.pkg.apis.common.integration.v1alpha1.AWSSQS;
import org.junit.jupiter.api.Test;

class SqsQueuesTest {

    @Test
    void theNameComesFromTheUrlWhenThereIsOne() {
        AWSSQS sqs = new AWSSQS();
        sqs.setQueueURL("https://sqs.eu-west-1.amazonaws.com/123456789012/orders");
        sqs.setArn("arn:aws:sqs:eu-west-1:123456789012:other");

        assertThat(SqsQueues.name(sqs)).isEqualTo("orders");
    }

    @Test
    void otherwiseFromTheArn() {
        AWSSQS sqs = new AWSSQS();
        sqs.setArn("arn:aws:sqs:eu-west-1:123456789012:serverless-app-email");

        assertThat(SqsQueues.name(sqs)).isEqualTo("serverless-app-email");
    }
}
