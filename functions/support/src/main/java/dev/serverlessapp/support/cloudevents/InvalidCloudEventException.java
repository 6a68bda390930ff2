package dev.serverlessapp.support.cloudevents;

import dev.serverlessapp.support.problem.PermanentFailure;

/** The request is not a valid CloudEvent. Permanent: Knative dead-letters it instead of retrying. */
public class InvalidCloudEventException extends PermanentFailure {

    public InvalidCloudEventException(String message, Throwable cause) {
        super("Invalid CloudEvent", message, cause);
    }
}
