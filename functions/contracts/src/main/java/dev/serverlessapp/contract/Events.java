package dev.serverlessapp.contract;

/**
 * The CloudEvents the functions receive and send: their types, and the attributes a Trigger or a
 * function tells them by.
 */
public final class Events {

    /**
     * What Knative's SQS source (an IntegrationSource) sends for every message, whatever its queue: the
     * same type, source and subject, the message body as data (sqs-connector's SqsSourceConnectorTest
     * proves it on the connector itself). Only the Broker an event arrives at tells the queues apart.
     */
    public static final String SQS = "dev.knative.eventing.aws-sqs";
    public static final String SQS_SOURCE = "dev.knative.eventing.aws-sqs-source";
    public static final String SQS_SUBJECT = "aws-sqs-source";
    public static final String SQS_CONTENT_TYPE = "application/json";

    /** What a Knative PingSource sends on each tick. */
    public static final String PING = "dev.knative.sources.ping";

    /** file-processor's reply for each notification it processed, published back into its Broker. */
    public static final String FILE_PROCESSED = "dev.serverlessapp.file.processed";

    private Events() {
    }

    /** The {@code source} of a PingSource's events, as Knative sets it. */
    public static String pingSource(String namespace, String name) {
        return "/apis/v1/namespaces/" + namespace + "/pingsources/" + name;
    }

    /** The {@code source} of the events a function replies with. */
    public static String replySource(String function) {
        return "/serverless-app/" + function;
    }
}
