package dev.serverlessapp.local;

import dev.serverlessapp.local.aws.LocalAws;
import dev.serverlessapp.local.aws.PortTakenException;
import dev.serverlessapp.local.functions.Activator;
import dev.serverlessapp.local.functions.FunctionProcess;
import dev.serverlessapp.local.functions.FunctionSpec;
import dev.serverlessapp.local.functions.ServiceEnvironment;
import dev.serverlessapp.local.http.FrontDoor;
import dev.serverlessapp.local.manifests.ChartModel;
import dev.serverlessapp.local.manifests.ChartSource;
import dev.serverlessapp.local.routing.Broker;
import dev.serverlessapp.local.routing.DeadLetters;
import dev.serverlessapp.local.routing.DeliveryPolicy;
import dev.serverlessapp.local.routing.Dispatcher;
import dev.serverlessapp.local.routing.EventFilter;
import dev.serverlessapp.local.routing.PendingDeliveries;
import dev.serverlessapp.local.routing.SqsSink;
import dev.serverlessapp.local.sources.BucketNotifications;
import dev.serverlessapp.local.sources.PingSources;
import dev.serverlessapp.local.sources.SqsSource;
import dev.serverlessapp.backends.SmtpCatcher;
import io.fabric8.knative.duck.v1.Destination;
import io.fabric8.knative.eventing.pkg.apis.common.integration.v1alpha1.AWSSQS;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1alpha1.IntegrationSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole system on one machine, from the chart: the backends, the functions as processes behind
 * their activators, the broker with its Triggers, and the sources. {@link #close()} stops all of it.
 */
public final class LocalRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRuntime.class);
    /** The function that takes the bucket's notifications: its source's queue gets them. */
    static final String UPLOADS_FUNCTION = "file-processor";

    private final RuntimeOptions options;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, FunctionProcess> functions = new LinkedHashMap<>();
    private final Map<String, Activator> activators = new LinkedHashMap<>();
    private final Map<String, String> queues = new LinkedHashMap<>();
    private final Map<String, SqsSink> sinks = new LinkedHashMap<>();
    private final Map<String, Broker> brokers = new LinkedHashMap<>();
    private ChartModel chart;
    private LocalAws aws;
    private IngressServer ingress;
    private PingSources pings;
    private String bucket;
    private String apiUrl;
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
        prepareDataDir();
        progress.accept("rendering the chart helm/serverless-app with its default values");
        chart = ChartSource.render(options.projectDir().resolve("helm/serverless-app"), options.namespace());
        // Fail on what cannot run before anything starts: an unsupported filter, a bad schedule.
        chart.triggers().forEach(t -> EventFilter.of(t.getMetadata().getName(), t.getSpec()));
        int brokerPort = PortTakenException.check(options.ports().broker(), "broker", "--broker-port");
        int apiPort = PortTakenException.check(options.ports().api(), "API", "--api-port");

        aws = LocalAws.start(options, progress);
        resources.add(aws);
        Map<String, Map<String, String>> environments = provision(progress);

        // Idle connections are dropped before the doors' request-head timeout closes them under a request.
        HttpClient http = HttpClient.create(ConnectionProvider.builder("local-runtime").maxConnections(256)
                .maxIdleTime(FrontDoor.Timeouts.defaults().head().dividedBy(2)).build());
        Dispatcher dispatcher = new Dispatcher(http);
        for (Service service : chart.services()) {
            String name = service.getMetadata().getName();
            FunctionProcess function = new FunctionProcess(functionSpec(service, environments.get(name)),
                    options.dataDir().resolve("logs").resolve(name + ".log"), http, options.startTimeout());
            functions.put(name, function);
            resources.add(function);
            boolean external = !"cluster-local".equals(labels(service).get("networking.knative.dev/visibility"));
            boolean api = external && apiUrl == null;
            Activator activator = new Activator(function, http, api ? options.bindAddress() : FrontDoor.LOOPBACK, api ? apiPort : 0);
            activators.put(name, activator);
            resources.add(activator);
            if (api) {
                apiUrl = activator.url();
            }
        }

        chart.integrationSinks().stream().filter(s -> s.getSpec().getAws() != null && s.getSpec().getAws().getSqs() != null)
                .forEach(s -> sinks.put(s.getMetadata().getName(), new SqsSink(s.getMetadata().getName(),
                        queues.get(queueName(s.getSpec().getAws().getSqs())), aws.sqsAsync())));

        DeadLetters deadLetters = new DeadLetters(options.dataDir().resolve("dead-letters"), dispatcher);
        ingress = new IngressServer(options.bindAddress(), brokerPort, chart.namespace(), brokers, sinks, name -> pings.fire(name));
        // Closed after the ingress and before the functions: deliveries stop, and what they had not
        // finished stays kept for the next start instead of failing against stopping functions.
        resources.add(() -> brokers.values().forEach(Broker::close));
        resources.add(ingress);
        pings = new PingSources(chart.namespace(), chart.pingSources(), name -> resolve(sinkOf(name)), dispatcher,
                Clock.systemDefaultZone());
        resources.add(pings);
        Map<String, Broker> created = new LinkedHashMap<>();
        chart.brokers().forEach(b -> created.put(b.getMetadata().getName(), broker(b, dispatcher, deadLetters)));
        brokers.putAll(created);
        brokers.values().forEach(Broker::resume);
        progress.accept("broker " + String.join(", ", brokers.keySet()) + " with " + chart.triggers().size()
                + " trigger(s) at " + ingress.url());

        pings.start();
        startSqsSources(dispatcher);
        startBucketNotifications();
        MailOutbox outbox = new MailOutbox(aws.smtp(), options.dataDir().resolve("mail"));
        outbox.start();
        resources.add(outbox);
        startScaleToZero();
        startAlwaysOn();

        state = new RuntimeState(ProcessHandle.current().pid(), apiUrl,
                brokers.isEmpty() ? null : ingress.brokerUrl(brokers.keySet().iterator().next()), ingress.url(),
                str(aws.s3Endpoint()), str(aws.sqsEndpoint()), str(aws.dynamoDbEndpoint()), aws.region(), bucket,
                Map.copyOf(queues), activatorUrls(),
                options.dataDir().resolve("mail").toString(), deadLetters.folder().toString());
        state.write(options.dataDir());
    }

    // ---- provisioning: what the chart's functions and sources refer to ----

    private Map<String, Map<String, String>> provision(Consumer<String> progress) {
        chart.integrationSources().stream().map(s -> sqsOf(s)).filter(Optional::isPresent).map(Optional::get)
                .forEach(sqs -> queue(queueName(sqs), true));
        chart.integrationSinks().stream().filter(s -> s.getSpec().getAws() != null && s.getSpec().getAws().getSqs() != null)
                .forEach(s -> queue(queueName(s.getSpec().getAws().getSqs()), false));
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        List<String> buckets = new ArrayList<>();
        for (Service service : chart.services()) {
            Map<String, String> env = new LinkedHashMap<>(ServiceEnvironment.of(service, chart));
            aws.functionEnvironment().forEach((name, value) -> {
                if (value == null) {
                    env.remove(name);
                } else {
                    env.put(name, value);
                }
            });
            env.put("DYNAMODB_CREATE_TABLE", "false");
            String function = service.getMetadata().getName();
            options.env().forEach((key, value) -> {
                int colon = key.indexOf(':');
                if (colon < 0) {
                    env.put(key, value);
                } else if (key.substring(0, colon).equals(function)) {
                    env.put(key.substring(colon + 1), value);
                }
            });
            env.replaceAll((name, value) -> name.endsWith("_QUEUE_URL") && !value.isBlank()
                    ? queue(value.substring(value.lastIndexOf('/') + 1), true) : value);
            String table = env.getOrDefault("DYNAMODB_TABLE", "serverless-app");
            aws.ensureTable(table);
            Optional.ofNullable(env.get("S3_BUCKET")).filter(b -> !b.isBlank() && !buckets.contains(b)).ifPresent(buckets::add);
            environments.put(service.getMetadata().getName(), env);
        }
        bucket = buckets.isEmpty() ? "serverless-app-files" : buckets.getFirst();
        progress.accept("provisioned table, queues " + queues.keySet() + " and bucket " + bucket);
        return environments;
    }

    private String queue(String name, boolean withDeadLetterQueue) {
        return queues.computeIfAbsent(name, n -> aws.ensureQueue(n, withDeadLetterQueue));
    }

    private static Optional<AWSSQS> sqsOf(IntegrationSource source) {
        return Optional.ofNullable(source.getSpec().getAws()).map(a -> a.getSqs());
    }

    /** The queue's name from its ARN ({@code arn:aws:sqs:region:account:name}) or URL. */
    static String queueName(AWSSQS sqs) {
        if (sqs.getQueueURL() != null && !sqs.getQueueURL().isBlank()) {
            return sqs.getQueueURL().substring(sqs.getQueueURL().lastIndexOf('/') + 1);
        }
        return sqs.getArn().substring(sqs.getArn().lastIndexOf(':') + 1);
    }

    // ---- functions ----

    private FunctionSpec functionSpec(Service service, Map<String, String> env) {
        String name = service.getMetadata().getName();
        Container container = ServiceEnvironment.container(service);
        List<String> jvm = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k"));
        // Without a cgroup, MaxRAM makes the JVM size its heap for the container's memory limit.
        Optional.ofNullable(container.getResources()).map(r -> r.getLimits()).map(l -> l.get("memory"))
                .map(q -> Quantity.getAmountInBytes(q).longValue())
                .ifPresent(bytes -> jvm.add("-XX:MaxRAM=" + bytes));
        String readiness = Optional.ofNullable(container.getReadinessProbe()).map(p -> p.getHttpGet())
                .map(g -> g.getPath()).orElse("/actuator/health/readiness");
        String minScale = annotations(service).getOrDefault("autoscaling.knative.dev/min-scale",
                annotations(service).getOrDefault("autoscaling.knative.dev/minScale", "0"));
        return new FunctionSpec(name, jar(name), env, jvm, readiness, "0".equals(minScale.trim()));
    }

    /** The function's Spring Boot jar: functions/<name>/target/<name>-<version>.jar. */
    private Path jar(String name) {
        Path target = options.projectDir().resolve("functions").resolve(name).resolve("target");
        try (Stream<Path> files = Files.isDirectory(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .filter(f -> !f.getFileName().toString().matches(".*-(plain|sources|javadoc|tests)\\.jar"))
                    .max(Comparator.comparing(f -> f.toFile().lastModified()))
                    .orElseGet(() -> {
                        log.warn("{}: no jar in {} (build it: ./mvnw -q -DskipTests package); its requests will get 503",
                                name, target);
                        return target.resolve(name + ".jar");
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> labels(Service service) {
        return service.getMetadata().getLabels() == null ? Map.of() : service.getMetadata().getLabels();
    }

    private static Map<String, String> annotations(Service service) {
        var template = service.getSpec().getTemplate().getMetadata();
        return template == null || template.getAnnotations() == null ? Map.of() : template.getAnnotations();
    }

    private void startScaleToZero() {
        Disposable reaper = Flux.interval(Duration.ofSeconds(1))
                .onBackpressureDrop()
                .publishOn(Schedulers.boundedElastic())
                .subscribe(tick -> functions.values().forEach(f -> f.stopIfIdle(options.idleTimeout())));
        resources.add(reaper::dispose);
    }

    private void startAlwaysOn() {
        functions.values().stream().filter(f -> !f.spec().scaleToZero())
                .forEach(f -> f.port().subscribe(port -> { }, e -> { }));
    }

    // ---- routing ----

    private Broker broker(io.fabric8.knative.eventing.v1.Broker broker, Dispatcher dispatcher, DeadLetters deadLetters) {
        String name = broker.getMetadata().getName();
        List<Broker.Subscription> subscriptions = new ArrayList<>();
        for (Trigger trigger : chart.triggers()) {
            if (!name.equals(trigger.getSpec().getBroker())) {
                continue;
            }
            DeliveryPolicy policy = DeliveryPolicy.of(trigger.getSpec().getDelivery(),
                    broker.getSpec() == null ? null : broker.getSpec().getDelivery());
            URI subscriber = resolve(trigger.getSpec().getSubscriber());
            if (subscriber == null) {
                throw new IllegalStateException("Trigger " + trigger.getMetadata().getName()
                        + " has a subscriber that is not in the chart: " + trigger.getSpec().getSubscriber());
            }
            subscriptions.add(new Broker.Subscription(trigger.getMetadata().getName(),
                    EventFilter.of(trigger.getMetadata().getName(), trigger.getSpec()), subscriber, policy,
                    policy.deadLetterSink() == null ? null : resolve(policy.deadLetterSink())));
        }
        return new Broker(name, subscriptions, dispatcher, deadLetters,
                PendingDeliveries.in(options.dataDir().resolve("broker").resolve(name)));
    }

    /** A Destination as Knative resolves it: a Service, a Broker, an IntegrationSink, or a URI. */
    private URI resolve(Destination destination) {
        if (destination == null) {
            return null;
        }
        String path = destination.getUri() == null ? "" : destination.getUri();
        if (destination.getRef() == null) {
            return path.isBlank() ? null : URI.create(path);
        }
        String name = destination.getRef().getName();
        String base = switch (destination.getRef().getKind()) {
            case "Service" -> Optional.ofNullable(activators.get(name)).map(Activator::url).orElse(null);
            case "Broker" -> ingress.brokerUrl(name);
            case "IntegrationSink" -> sinks.containsKey(name) ? ingress.url() + "/-/sinks/" + name : null;
            default -> null;
        };
        if (base == null) {
            log.warn("{} {} is not something the local runtime runs; events for it are not sent",
                    destination.getRef().getKind(), name);
            return null;
        }
        return URI.create(base + path);
    }

    private Destination sinkOf(String pingSource) {
        return chart.pingSources().stream().filter(p -> p.getMetadata().getName().equals(pingSource))
                .map(PingSource::getSpec).map(s -> s.getSink()).findFirst().orElse(null);
    }

    // ---- sources ----

    private void startSqsSources(Dispatcher dispatcher) {
        for (IntegrationSource source : chart.integrationSources()) {
            Optional<AWSSQS> sqs = sqsOf(source);
            if (sqs.isEmpty()) {
                log.warn("IntegrationSource {} is not an SQS source; the local runtime runs only those",
                        source.getMetadata().getName());
                continue;
            }
            // Knative's default for an unset maxMessagesPerPoll is 1.
            int batch = Math.clamp(Optional.ofNullable(sqs.get().getMaxMessagesPerPoll()).orElse(1), 1, 10);
            SqsSource poller = new SqsSource(new SqsSource.Settings(source.getMetadata().getName(),
                    queues.get(queueName(sqs.get())), resolve(source.getSpec().getSink()), batch),
                    aws.sqsAsync(), dispatcher);
            poller.start();
            resources.add(poller);
        }
    }

    /** The uploads queue is the one whose SQS source sinks into the Broker where file-processor's Trigger listens. */
    private void startBucketNotifications() {
        List<String> uploadBrokers = chart.triggers().stream()
                .filter(t -> t.getSpec().getSubscriber() != null && t.getSpec().getSubscriber().getRef() != null
                        && UPLOADS_FUNCTION.equals(t.getSpec().getSubscriber().getRef().getName()))
                .map(t -> t.getSpec().getBroker()).toList();
        Optional<String> uploads = chart.integrationSources().stream()
                .filter(s -> s.getSpec().getSink() != null && s.getSpec().getSink().getRef() != null
                        && uploadBrokers.contains(s.getSpec().getSink().getRef().getName()))
                .map(LocalRuntime::sqsOf).flatMap(Optional::stream).map(LocalRuntime::queueName).findFirst();
        boolean created = aws.ensureBucket(bucket);
        if (uploads.isEmpty() || aws.mode() == RuntimeOptions.Backends.AWS) {
            // Real S3 sends its own notifications.
            return;
        }
        String queueUrl = queues.get(uploads.get());
        Map<String, String> existing = new LinkedHashMap<>();
        try (S3Client s3 = aws.s3Client()) {
            s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach((S3Object o) -> existing.put(o.key(), BucketNotifications.fingerprint(o)));
        }
        if (created) {
            try (var sqs = aws.sqsClient()) {
                sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody(BucketNotifications.testEvent(bucket)));
            }
        }
        BucketNotifications notifications = new BucketNotifications(bucket, aws.region(), queueUrl, aws.s3Async(),
                aws.sqsAsync());
        notifications.start(options.bucketPollInterval(), existing);
        resources.add(notifications);
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
        return functions;
    }

    public Map<String, String> pingSchedules() {
        return pings.schedules();
    }

    /** Stops the PingSources' cron ({@code ping} still fires one): for a run that must not see the hourly job. */
    public void stopPingSchedules() {
        pings.close();
    }

    private Map<String, String> activatorUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        activators.forEach((name, a) -> urls.put(name, a.url()));
        return urls;
    }

    private void prepareDataDir() {
        try {
            RuntimeState.read(options.dataDir());
            throw new IllegalStateException("The local runtime already runs on " + options.dataDir()
                    + ": stop it (Ctrl-C) first, or start another with --data-dir=<folder> --random-ports");
        } catch (RuntimeState.NotRunningException e) {
            // the usual case
        }
        try {
            if (options.fresh() && Files.isDirectory(options.dataDir())) {
                try (Stream<Path> files = Files.walk(options.dataDir())) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(options.dataDir().resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + options.dataDir(), e);
        }
    }

    private static String str(URI uri) {
        return uri == null ? null : uri.toString();
    }

    /** Stops the sources first, then the functions, then the backends: nothing is left running. */
    @Override
    public void close() {
        List<AutoCloseable> stopping = new ArrayList<>(resources.reversed());
        resources.clear();
        List<FunctionProcess> processes = stopping.stream().filter(FunctionProcess.class::isInstance)
                .map(FunctionProcess.class::cast).toList();
        stopping.stream().filter(r -> !(r instanceof FunctionProcess) && !(r instanceof LocalAws)).forEach(LocalRuntime::quietly);
        inParallel(processes);
        stopping.stream().filter(LocalAws.class::isInstance).forEach(LocalRuntime::quietly);
        if (state != null) {
            // Only the runtime that wrote it removes it: a second start that was refused must not.
            RuntimeState.delete(options.dataDir());
        }
    }

    /** JVMs take seconds to stop gracefully; they do it side by side. */
    public static void inParallel(List<? extends AutoCloseable> resources) {
        List<Thread> stopping = resources.stream()
                .map(r -> Thread.ofVirtual().name("stop").start(() -> quietly(r))).toList();
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void quietly(AutoCloseable resource) {
        long began = System.nanoTime();
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("stopping {}: {}", resource, e.toString());
        }
        long millis = (System.nanoTime() - began) / 1_000_000;
        if (millis > 2000) {
            log.info("stopping {} took {} ms", resource.getClass().getSimpleName(), millis);
        }
    }
}
