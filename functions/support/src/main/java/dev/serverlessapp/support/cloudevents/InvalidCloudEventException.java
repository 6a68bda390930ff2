package dev.serverlessapp.support.cloudevents;

import dev.serverlessapp.support.problem.PermanentFailure;
import org.springframework.http.HttpStatus;

/** The request is not a valid CloudEvent. Permanent: Knative dead-letters it instead of retrying. */
public class InvalidCloudEventException extends PermanentFailure {

    public InvalidCloudEventException(String message, Throwable cause) {
        this(HttpStatus.BAD_REQUEST, message, cause);
    }

    /** 413 for an event over the size limit, 415 for an event format this door does not read. */
    public InvalidCloudEventException(HttpStatus status, String message, Throwable cause) {
        super(status, "Invalid CloudEvent", message, cause);
    }
}
