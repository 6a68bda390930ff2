package dev.serverlessapp.contract;

/**
 * Which answers Knative's delivery retries (its dispatcher, for Brokers, Triggers and sources): 5xx,
 * 404 (a subscriber not ready yet), 408, 409 and 429, and timeouts or connection failures; every other
 * 4xx is permanent and goes to the dead-letter sink at once. The functions choose their statuses by it,
 * and the local runtime delivers by it.
 */
public final class KnativeRetries {

    private KnativeRetries() {
    }

    public static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    public static boolean isRetried(int status) {
        return status >= 500 || status == 404 || status == 408 || status == 409 || status == 429;
    }
}
