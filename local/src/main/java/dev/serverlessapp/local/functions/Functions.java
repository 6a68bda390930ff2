package dev.serverlessapp.local.functions;

import dev.serverlessapp.local.http.FrontDoor;
import dev.serverlessapp.local.lifecycle.Stopping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * The functions as Knative Serving runs them: a process each, behind an activator that gives it a stable
 * URL and starts it on the first request; idle ones scale to zero, and those with a minimum scale start at
 * once. The first external function's activator is the API, on the API port and bind address; every other
 * door stays on loopback.
 */
public final class Functions implements AutoCloseable {

    /** Where the processes log, how long a start may take and how long an idle one lives, and the API's door. */
    public record Settings(Path logDir, Duration startTimeout, Duration idleTimeout, String bindAddress, int apiPort) {
    }

    private final Map<String, FunctionProcess> processes = new LinkedHashMap<>();
    private final Map<String, Activator> activators = new LinkedHashMap<>();
    private Disposable reaper;
    private String apiUrl;

    private Functions() {
    }

    /** Starts an activator per function (and the always-on functions); on failure, stops what had started. */
    public static Functions start(List<FunctionSpec> specs, Settings settings, HttpClient http) {
        Functions functions = new Functions();
        try {
            for (FunctionSpec spec : specs) {
                functions.add(spec, settings, http);
            }
        } catch (RuntimeException e) {
            functions.close();
            throw e;
        }
        functions.reaper = Flux.interval(Duration.ofSeconds(1))
                .onBackpressureDrop()
                .publishOn(Schedulers.boundedElastic())
                .subscribe(tick -> functions.processes.values().forEach(f -> f.stopIfIdle(settings.idleTimeout())));
        functions.processes.values().stream().filter(f -> !f.spec().scaleToZero())
                .forEach(f -> f.port().subscribe(port -> { }, e -> { }));
        return functions;
    }

    private void add(FunctionSpec spec, Settings settings, HttpClient http) {
        FunctionProcess process = new FunctionProcess(spec, settings.logDir().resolve(spec.name() + ".log"), http,
                settings.startTimeout());
        processes.put(spec.name(), process);
        boolean api = spec.external() && apiUrl == null;
        Activator activator = new Activator(process, http, api ? settings.bindAddress() : FrontDoor.LOOPBACK,
                api ? settings.apiPort() : 0);
        activators.put(spec.name(), activator);
        if (api) {
            apiUrl = activator.url();
        }
    }

    /** The URL of the API's activator, or null if no function is external. */
    public String apiUrl() {
        return apiUrl;
    }

    /** Each function's stable URL (its activator's), in the chart's order. */
    public Map<String, String> urls() {
        Map<String, String> urls = new LinkedHashMap<>();
        activators.forEach((name, activator) -> urls.put(name, activator.url()));
        return urls;
    }

    public Map<String, FunctionProcess> processes() {
        return Collections.unmodifiableMap(processes);
    }

    /** No new request is taken, then every process stops, side by side. */
    @Override
    public void close() {
        if (reaper != null) {
            reaper.dispose();
        }
        Stopping.inOrder(new ArrayList<>(activators.values()));
        Stopping.inParallel(new ArrayList<>(processes.values()));
    }
}
