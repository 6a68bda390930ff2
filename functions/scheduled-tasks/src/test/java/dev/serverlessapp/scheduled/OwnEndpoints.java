package dev.serverlessapp.scheduled;

import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import java.net.URI;

/** The shared backends, but SQS or S3 at an endpoint a test starts and stops on its own (null: shared). */
record OwnEndpoints(URI sqs, URI s3) implements Backends {

    static OwnEndpoints sqsAt(URI endpoint) {
        return new OwnEndpoints(endpoint, null);
    }

    static OwnEndpoints s3At(URI endpoint) {
        return new OwnEndpoints(null, endpoint);
    }

    @Override
    public URI dynamoDbEndpoint() {
        return LocalBackends.shared().dynamoDbEndpoint();
    }

    @Override
    public URI sqsEndpoint() {
        return sqs != null ? sqs : LocalBackends.shared().sqsEndpoint();
    }

    @Override
    public URI s3Endpoint() {
        return s3 != null ? s3 : LocalBackends.shared().s3Endpoint();
    }

    @Override
    public String name() {
        return "local, with own endpoints";
    }
}
