package dev.serverlessapp.local.cli;

import dev.serverlessapp.local.RuntimeState;
import dev.serverlessapp.local.routing.HttpEvents;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Posts a CloudEvent to a running Broker, in binary mode, or a structured event file as it is. */
@Command(name = "send", description = "Send a CloudEvent to a Broker (binary mode; --file sends structured mode).")
final class SendCommand implements Callable<Integer> {

    @Mixin
    LocalCommand.Location location = new LocalCommand.Location();

    @Option(names = "--broker", description = "The Broker: email or uploads (the SQS queues' own), or the default one "
            + "(the PingSource's).")
    String broker;

    @Option(names = "--type", description = "The event's type.")
    String type;

    @Option(names = "--source", defaultValue = "/serverless-local/cli", description = "Default: ${DEFAULT-VALUE}.")
    String source;

    @Option(names = "--id", description = "Default: a random UUID.")
    String id;

    @Option(names = "--data", description = "JSON data.")
    String data;

    @Option(names = {"-e", "--extension"}, description = "An extension attribute, name=value (repeatable).")
    Map<String, String> extensions = Map.of();

    @Option(names = "--file", description = "A structured-mode CloudEvent JSON file (e.g. from generate-event); - reads stdin.")
    String file;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (broker != null && !broker.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            System.err.println("error: --broker takes a Broker's name (lower-case letters, digits and -), e.g. email");
            return 2;
        }
        RuntimeState state = RuntimeState.read(location.dataDir());
        String url = broker == null ? state.brokerUrl()
                : state.brokerUrl().substring(0, state.brokerUrl().lastIndexOf('/') + 1) + broker;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (file != null) {
            byte[] json = "-".equals(file) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
            request.header("content-type", "application/cloudevents+json").POST(HttpRequest.BodyPublishers.ofByteArray(json));
        } else {
            if (type == null) {
                System.err.println("error: give --type (and --data), or --file with a structured event");
                return 2;
            }
            CloudEventBuilder builder = CloudEventBuilder.v1().withId(id == null ? UUID.randomUUID().toString() : id)
                    .withType(type).withSource(URI.create(source));
            if (data != null) {
                builder.withData("application/json", data.getBytes(StandardCharsets.UTF_8));
            }
            extensions.forEach(builder::withExtension);
            CloudEvent event = builder.build();
            HttpEvents.Message message = HttpEvents.binary(event);
            message.headers().forEach(request::header);
            request.POST(HttpRequest.BodyPublishers.ofByteArray(message.body()));
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(response.statusCode() == 202 ? "accepted by " + url
                : "refused (HTTP " + response.statusCode() + "): " + response.body());
        return response.statusCode() == 202 ? 0 : 1;
    }
}
