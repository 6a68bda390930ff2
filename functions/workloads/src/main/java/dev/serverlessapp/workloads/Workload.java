package dev.serverlessapp.workloads;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.Map;

/**
 * What one function is sent in service: the environment it needs beyond the shared AWS settings, the
 * {@code n}-th real request (each one distinct, so idempotency does not short-cut the work), and the
 * requests it must refuse.
 */
public interface Workload {

    /** The function's module name, e.g. {@code user-api}. */
    String function();

    Map<String, String> environment(Fixtures fixtures);

    HttpRequest request(URI base, Fixtures fixtures, String run, int n);

    /** Whether it serves Knative's probes and a Prometheus scrape (the functions do; the benchmark's peers do not). */
    default boolean probed() {
        return true;
    }

    /** A request the function must refuse, and the 4xx status it answers. */
    record Refused(HttpRequest request, int status) {
    }

    /** Requests the function refuses: by default a CloudEvent without its type (400). */
    default List<Refused> refused(URI base, String run) {
        return List.of(new Refused(HttpRequest.newBuilder(base.resolve("/")).header("ce-specversion", "1.0")
                .header("ce-source", "workloads").header("ce-id", run + "-malformed")
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{}")).build(), 400));
    }

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
