package dev.serverlessapp.support.deadline;

import dev.serverlessapp.support.problem.RetryLater;
import dev.serverlessapp.support.problem.TransientFailure;
import java.time.Duration;

/** No answer within REQUEST_DEADLINE: 503, retried by Knative and by clients, after Retry-After. */
public class DeadlineExceededException extends TransientFailure implements RetryLater {

    public DeadlineExceededException(Duration deadline) {
        super("No answer within " + readable(deadline) + "; the same request, retried, gets the answer once there is one", null);
    }

    private static String readable(Duration deadline) {
        return deadline.toMillis() % 1000 == 0 ? deadline.toSeconds() + " s" : deadline.toMillis() + " ms";
    }

    @Override
    public Duration retryAfter() {
        // The work may still finish and store its answer; a retry soon after waits for it.
        return BACKEND_DOWN;
    }
}
