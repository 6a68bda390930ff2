package dev.serverlessapp.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/**
 * How to wake one function: the environment it needs beyond the shared AWS settings, and the
 * {@code n}-th real request (each one distinct, so idempotency does not short-cut the work).
 */
interface Scenario {

    /** The function's module name, e.g. {@code user-api}. */
    String function();

    Map<String, String> environment(Fixtures fixtures);

    HttpRequest request(URI base, Fixtures fixtures, String run, int n);

    /** A binary-mode CloudEvent, as Knative delivers it. */
    static HttpRequest.Builder event(URI base, String type, String source, String id, Map<String, String> extensions) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve("/"))
                .header("ce-specversion", "1.0")
                .header("ce-type", type)
                .header("ce-source", source)
                .header("ce-id", id)
                .header("Content-Type", "application/json");
        extensions.forEach((name, value) -> builder.header("ce-" + name, value));
        return builder;
    }
}
