package dev.serverlessapp.local.manifests;

import io.fabric8.knative.eventing.pkg.apis.common.integration.v1alpha1.AWSSQS;
import io.fabric8.knative.sinks.v1alpha1.IntegrationSink;
import io.fabric8.knative.sources.v1alpha1.IntegrationSource;
import java.util.Optional;

/** The SQS queues the chart's IntegrationSources read and its IntegrationSinks write. */
public final class SqsQueues {

    private SqsQueues() {
    }

    public static Optional<AWSSQS> of(IntegrationSource source) {
        return Optional.ofNullable(source.getSpec().getAws()).map(a -> a.getSqs());
    }

    public static Optional<AWSSQS> of(IntegrationSink sink) {
        return Optional.ofNullable(sink.getSpec().getAws()).map(a -> a.getSqs());
    }

    /** The queue's name from its URL or, without one, its ARN ({@code arn:aws:sqs:region:account:name}). */
    public static String name(AWSSQS sqs) {
        if (sqs.getQueueURL() != null && !sqs.getQueueURL().isBlank()) {
            return sqs.getQueueURL().substring(sqs.getQueueURL().lastIndexOf('/') + 1);
        }
        return sqs.getArn().substring(sqs.getArn().lastIndexOf(':') + 1);
    }
}
