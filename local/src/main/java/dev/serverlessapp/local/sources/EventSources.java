package dev.serverlessapp.local.sources;

import dev.serverlessapp.local.aws.Backends;
import dev.serverlessapp.local.aws.LocalAws;
import dev.serverlessapp.local.manifests.ChartModel;
import dev.serverlessapp.local.manifests.ChartModel.Destination;
import dev.serverlessapp.local.manifests.ChartModel.IntegrationSource;
import dev.serverlessapp.local.routing.Dispatcher;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The sources the chart declares that feed events in: its SQS IntegrationSources, and the bucket's notifications. */
public final class EventSources {

    private static final Logger log = LoggerFactory.getLogger(EventSources.class);
    /** The function that takes the bucket's notifications: its source's queue gets them. */
    static final String UPLOADS_FUNCTION = "file-processor";

    private EventSources() {
    }

    /** Each SQS IntegrationSource with its queue's URL and its sink's; any other kind is logged and skipped. */
    public static List<SqsSource.Settings> sqsSources(ChartModel chart, Map<String, String> queueUrls,
                                                     Function<Destination, URI> resolve) {
        List<SqsSource.Settings> sources = new ArrayList<>();
        for (IntegrationSource source : chart.integrationSources()) {
            if (source.sqsQueue() == null) {
                log.warn("IntegrationSource {} is not an SQS source; the local runtime runs only those", source.name());
                continue;
            }
            // Knative's default for an unset maxMessagesPerPoll is 1.
            int batch = Math.clamp(Optional.ofNullable(source.maxMessagesPerPoll()).orElse(1), 1, 10);
            sources.add(new SqsSource.Settings(source.name(), queueUrls.get(source.sqsQueue()), resolve.apply(source.sink()),
                    batch));
        }
        return sources;
    }

    /** The uploads queue: the one whose SQS source sinks into the Broker where file-processor's Trigger listens. */
    public static Optional<String> uploadsQueue(ChartModel chart) {
        List<String> uploadBrokers = chart.triggers().stream()
                .filter(t -> t.subscriber() != null && UPLOADS_FUNCTION.equals(t.subscriber().name()))
                .map(ChartModel.Trigger::broker).toList();
        return chart.integrationSources().stream()
                .filter(s -> s.sink() != null && s.sink().name() != null && uploadBrokers.contains(s.sink().name()))
                .map(IntegrationSource::sqsQueue).filter(Objects::nonNull).findFirst();
    }

    /** Starts the SQS sources and, on emulated S3, the bucket's notifications to the uploads queue. */
    public static List<AutoCloseable> start(ChartModel chart, Map<String, String> queueUrls, Function<Destination, URI> resolve,
                                            LocalAws aws, String bucket, Duration bucketPollInterval, Dispatcher dispatcher,
                                            Path notificationsFolder) {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            startAll(chart, queueUrls, resolve, aws, bucket, bucketPollInterval, dispatcher, notificationsFolder, started);
            return started;
        } catch (RuntimeException e) {
            started.reversed().forEach(dev.serverlessapp.local.lifecycle.Stopping::quietly);
            throw e;
        }
    }

    private static void startAll(ChartModel chart, Map<String, String> queueUrls, Function<Destination, URI> resolve,
                                 LocalAws aws, String bucket, Duration bucketPollInterval, Dispatcher dispatcher,
                                 Path notificationsFolder, List<AutoCloseable> started) {
        for (SqsSource.Settings settings : sqsSources(chart, queueUrls, resolve)) {
            SqsSource poller = new SqsSource(settings, aws.sqsAsync(), dispatcher);
            poller.start();
            started.add(poller);
        }
        boolean created = aws.ensureBucket(bucket);
        Optional<String> uploads = uploadsQueue(chart);
        if (uploads.isEmpty() || aws.mode() == Backends.AWS) {
            // Real S3 sends its own notifications.
            return;
        }
        String queueUrl = queueUrls.get(uploads.get());
        Map<String, String> existing = new LinkedHashMap<>();
        LocalAws.await(aws.s3Async().listObjectsV2Paginator(r -> r.bucket(bucket)).contents()
                .subscribe((S3Object o) -> existing.put(o.key(), BucketNotifications.fingerprint(o))));
        if (created) {
            LocalAws.await(aws.sqsAsync().sendMessage(m -> m.queueUrl(queueUrl).messageBody(BucketNotifications.testEvent(bucket))));
        }
        BucketNotifications notifications = new BucketNotifications(bucket, aws.region(), queueUrl, aws.s3Async(),
                aws.sqsAsync(), notificationsFolder.resolve(bucket + ".json"));
        notifications.start(bucketPollInterval, existing);
        started.add(notifications);
    }
}
