package dev.serverlessapp.support.idempotency;

/**
 * The same key is being handled right now. Answers 409, which Knative retries; by then the first
 * run has finished and the retry gets its result.
 */
public class IdempotencyInProgressException extends RuntimeException {

    public IdempotencyInProgressException(IdempotencyStore.Key key) {
        super("A request with the same " + key.scope() + " key is still being processed; retry later");
    }
}
