package dev.serverlessapp.support.idempotency;

import dev.serverlessapp.support.problem.PermanentFailure;
import org.springframework.http.HttpStatus;

/** The key was first used with a different payload: the caller has mixed up two requests. */
public class IdempotencyKeyReusedException extends PermanentFailure {

    public IdempotencyKeyReusedException(IdempotencyStore.Key key) {
        super(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency key reused",
                "This " + key.scope() + " key was already used with a different request body", null);
    }
}
