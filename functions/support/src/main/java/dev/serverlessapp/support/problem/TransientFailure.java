package dev.serverlessapp.support.problem;

/**
 * A failure that may pass: a backend that is down or slow. It answers 503, which Knative retries with
 * the delivery's backoff.
 */
public class TransientFailure extends RuntimeException {

    public TransientFailure(String detail, Throwable cause) {
        super(detail, cause);
    }
}
