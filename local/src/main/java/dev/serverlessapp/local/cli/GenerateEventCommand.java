package dev.serverlessapp.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlessapp.contract.EmailQueue;
import dev.serverlessapp.local.manifests.ChartModel;
import dev.serverlessapp.local.routing.HttpEvents;
import dev.serverlessapp.local.sources.BucketNotifications;
import dev.serverlessapp.local.sources.PingSources;
import dev.serverlessapp.local.sources.SqsSource;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints a sample event as a source would send it, in structured mode, like {@code sam local generate-event};
 * pipe it to {@code send --file -}, to the Broker that source sinks into ({@code --broker email} or
 * {@code uploads} for the SQS ones: their events look alike and only the Broker tells them apart).
 */
@Command(name = "generate-event", description = "Print a sample CloudEvent of a source (pipe it into `send --file -`, "
        + "with --broker email for welcome and notification, --broker uploads for s3).")
final class GenerateEventCommand implements Callable<Integer> {

    enum Kind { welcome, notification, s3, ping }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    @Parameters(description = "welcome | notification (email queue), s3 (an upload on the uploads queue), ping (the hourly PingSource)")
    Kind kind;

    @Option(names = "--to", defaultValue = "ada@example.com", description = "Recipient. Default: ${DEFAULT-VALUE}.")
    String to;

    @Option(names = "--bucket", defaultValue = "serverless-app-files", description = "Default: ${DEFAULT-VALUE}.")
    String bucket;

    @Option(names = "--key", defaultValue = "uploads/photo.png", description = "Default: ${DEFAULT-VALUE}.")
    String key;

    @Option(names = "--size", defaultValue = "1024", description = "Object size in bytes. Default: ${DEFAULT-VALUE}.")
    long size;

    @Option(names = "--namespace", defaultValue = "serverless-app", description = "Default: ${DEFAULT-VALUE}.")
    String namespace;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (size < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size must not be negative: " + size);
        }
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--namespace must be a Kubernetes namespace name (lower-case letters, digits and '-'): " + namespace);
        }
        System.out.println(new String(HttpEvents.json(event()), StandardCharsets.UTF_8));
        return 0;
    }

    CloudEvent event() {
        return switch (kind) {
            // Built as JSON, not formatted into it: any --to stays one JSON string (a poison address included).
            case welcome -> SqsSource.event(JSON.createObjectNode().put("type", EmailQueue.WELCOME).put("to", to)
                    .put("subject", "Welcome!").put("body", "Hello and welcome.")
                    .put("userId", UUID.randomUUID().toString()).toString());
            case notification -> SqsSource.event(JSON.createObjectNode().put("type", EmailQueue.NOTIFICATION).put("to", to)
                    .put("subject", "Notice").put("body", "Something happened.").toString());
            case s3 -> SqsSource.event(BucketNotifications.notification(bucket, "us-east-1", key, size,
                    "d41d8cd98f00b204e9800998ecf8427e", System.currentTimeMillis()));
            case ping -> PingSources.event(namespace, new ChartModel.PingSource("hourly", "0 * * * *", null, null,
                    "{\"job\":\"hourly\"}", null, null, null), ZonedDateTime.now());
        };
    }
}
