package dev.serverlessapp.local;

import dev.serverlessapp.local.aws.LocalAws;
import dev.serverlessapp.local.aws.PortTakenException;
import dev.serverlessapp.local.functions.FunctionProcess;
import dev.serverlessapp.local.functions.FunctionSpec;
import dev.serverlessapp.local.functions.FunctionSpecs;
import dev.serverlessapp.local.functions.Functions;
import dev.serverlessapp.local.http.FrontDoor;
import dev.serverlessapp.local.lifecycle.Stopping;
import dev.serverlessapp.local.manifests.ChartModel;
import dev.serverlessapp.local.manifests.ChartModel.Destination;
import dev.serverlessapp.local.manifests.ChartSource;
import dev.serverlessapp.local.manifests.RenderedCharts;
import dev.serverlessapp.local.routing.Broker;
import dev.serverlessapp.local.routing.Brokers;
import dev.serverlessapp.local.routing.DeadLetters;
import dev.serverlessapp.local.routing.Destinations;
import dev.serverlessapp.local.routing.Dispatcher;
import dev.serverlessapp.local.routing.EventFilter;
import dev.serverlessapp.local.routing.SqsSink;
import dev.serverlessapp.local.sources.EventSources;
import dev.serverlessapp.local.sources.PingSources;
import dev.serverlessapp.backends.SmtpCatcher;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The whole system on one machine, from the chart: the backends ({@link LocalAws}), the functions as
 * processes behind their activators ({@link Functions}), the brokers with their Triggers ({@link Brokers})
 * behind the ingress, and the sources ({@link EventSources}, {@link PingSources}). This class only wires
 * them in order; {@link #close()} stops all of it, in the reverse order.
 */
public final class LocalRuntime implements AutoCloseable {

    /** Where the chart's last render is kept (the build puts one there): not in the data folder, which --fresh empties. */
    static final String RENDERED_CHARTS = "local/target/rendered-chart";

    private final RuntimeOptions options;
    /** Everything started, in order: closed in reverse, so the backends stop last. */
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, Broker> brokers = new LinkedHashMap<>();
    private ChartModel chart;
    private LocalAws aws;
    private Functions functions;
    private PingSources pings;
    private RuntimeState state;

    private LocalRuntime(RuntimeOptions options) {
        this.options = options;
    }

    /** Starts everything, reporting each step; on failure, stops what had started and rethrows. */
    public static LocalRuntime start(RuntimeOptions options, Consumer<String> progress) {
        LocalRuntime runtime = new LocalRuntime(options);
        try {
            runtime.startAll(progress);
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private void startAll(Consumer<String> progress) {
        DataFolder.prepare(options.dataDir(), options.fresh());
        // Logging set up on this thread first: threads that start it side by side get SLF4J's replay warning.
        LoggerFactory.getILoggerFactory();
        progress.accept("rendering the chart helm/serverless-app with its default values");
        // Rendering (a child JVM) and the backends need each other not: they start side by side. On platform
        // threads: a virtual thread loading a class from the runtime's jar pins its carrier, and with one
        // carrier per core, two of them waiting for a jar's lock that a third (unmounted) holds hung a start.
        CompletableFuture<ChartModel> rendering = new CompletableFuture<>();
        Thread.ofPlatform().name("render-chart").start(() -> {
            try {
                rendering.complete(ChartSource.render(options.projectDir().resolve("helm/serverless-app"), options.namespace(),
                        new RenderedCharts(options.projectDir().resolve(RENDERED_CHARTS))));
            } catch (Throwable e) {
                rendering.completeExceptionally(e);
            }
        });
        int brokerPort = PortTakenException.check(options.ports().broker(), "broker", "--broker-port");
        int apiPort = PortTakenException.check(options.ports().api(), "API", "--api-port");
        aws = started(LocalAws.start(options.aws(), progress));
        try {
            chart = rendering.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        // Fail on what cannot run before anything else starts: an unsupported filter, a bad schedule.
        chart.triggers().forEach(t -> EventFilter.of(t.name(), t.filter()));
        Provisioning.Provisioned provisioned = Provisioning.provision(chart, aws, options.env());
        progress.accept("provisioned queues " + provisioned.queues().keySet() + " and bucket " + provisioned.bucket()
                + " (each function makes the table at its start)");

        // Idle connections are dropped before the doors' request-head timeout closes them under a request.
        HttpClient http = HttpClient.create(ConnectionProvider.builder("local-runtime").maxConnections(256)
                .maxIdleTime(FrontDoor.Timeouts.defaults().head().dividedBy(2)).build());
        Dispatcher dispatcher = new Dispatcher(http);
        List<FunctionSpec> specs = chart.services().stream().map(s -> FunctionSpecs.of(s,
                provisioned.environments().get(s.name()), options.projectDir())).toList();
        functions = started(Functions.start(specs, new Functions.Settings(options.dataDir().resolve("logs"),
                options.startTimeout(), options.idleTimeout(), options.bindAddress(), apiPort), http));

        Map<String, SqsSink> sinks = new LinkedHashMap<>();
        chart.integrationSinks().stream().filter(s -> s.sqsQueue() != null).forEach(s -> sinks.put(s.name(),
                new SqsSink(s.name(), provisioned.queues().get(s.sqsQueue()), aws.sqsAsync())));
        DeadLetters deadLetters = new DeadLetters(options.dataDir().resolve("dead-letters"), dispatcher);
        IngressServer ingress = new IngressServer(options.bindAddress(), brokerPort, chart.namespace(), brokers, sinks,
                name -> pings.fire(name));
        Destinations destinations = new Destinations(functions.urls(), ingress::brokerUrl, ingress.url(), sinks.keySet());
        // Closed after the ingress and before the functions: deliveries stop, and what they had not
        // finished stays kept for the next start instead of failing against stopping functions.
        started(() -> brokers.values().forEach(Broker::close));
        started(ingress);
        pings = started(new PingSources(chart.namespace(), chart.pingSources(),
                name -> destinations.resolve(sinkOf(name)), dispatcher, Clock.systemDefaultZone()));
        brokers.putAll(Brokers.of(chart, destinations, dispatcher, deadLetters, options.dataDir().resolve("broker")));
        brokers.values().forEach(Broker::resume);
        progress.accept("broker " + String.join(", ", brokers.keySet()) + " with " + chart.triggers().size()
                + " trigger(s) at " + ingress.url());

        pings.start();
        EventSources.start(chart, provisioned.queues(), destinations::resolve, aws, provisioned.bucket(),
                options.bucketPollInterval(), dispatcher, options.dataDir().resolve("notifications")).forEach(this::started);
        MailOutbox outbox = started(new MailOutbox(aws.smtp(), options.dataDir().resolve("mail")));
        outbox.start();

        state = new RuntimeState(ProcessHandle.current().pid(), functions.apiUrl(),
                brokers.isEmpty() ? null : ingress.brokerUrl(brokers.keySet().iterator().next()), ingress.url(),
                str(aws.s3Endpoint()), str(aws.sqsEndpoint()), str(aws.dynamoDbEndpoint()),
                aws.region(), provisioned.bucket(), Map.copyOf(provisioned.queues()), functions.urls(),
                options.dataDir().resolve("mail").toString(), deadLetters.folder().toString());
        state.write(options.dataDir());
    }

    private <T extends AutoCloseable> T started(T resource) {
        resources.add(resource);
        return resource;
    }

    private static String str(URI uri) {
        return uri == null ? null : uri.toString();
    }

    private Destination sinkOf(String pingSource) {
        return chart.pingSources().stream().filter(p -> p.name().equals(pingSource))
                .map(ChartModel.PingSource::sink).findFirst().orElse(null);
    }

    // ---- what callers see ----

    public RuntimeState state() {
        return state;
    }

    public ChartModel chart() {
        return chart;
    }

    public SmtpCatcher smtp() {
        return aws.smtp();
    }

    public LocalAws aws() {
        return aws;
    }

    public Map<String, FunctionProcess> functions() {
        return functions.processes();
    }

    public Map<String, String> pingSchedules() {
        return pings.schedules();
    }

    /** Stops the PingSources' cron ({@code ping} still fires one): for a run that must not see the hourly job. */
    public void stopPingSchedules() {
        pings.close();
    }

    /** Stops the sources first, then the functions, then the backends: nothing is left running. */
    @Override
    public void close() {
        List<AutoCloseable> stopping = new ArrayList<>(resources.reversed());
        resources.clear();
        Stopping.inOrder(stopping);
        if (state != null) {
            // Only the runtime that wrote it removes it: a second start that was refused must not.
            RuntimeState.delete(options.dataDir());
        }
    }
}
