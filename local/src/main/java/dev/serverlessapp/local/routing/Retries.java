package dev.serverlessapp.local.routing;

/**
 * Which answers Knative's dispatcher retries: 5xx, 404 (a subscriber not ready yet), 408, 409 and 429,
 * and timeouts or connection failures. Every other 4xx is permanent and goes to the dead-letter sink.
 */
public final class Retries {

    private Retries() {
    }

    public static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    public static boolean isRetryable(int status) {
        return status >= 500 || status == 404 || status == 408 || status == 409 || status == 429;
    }
}
