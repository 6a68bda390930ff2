package dev.serverlessapp.local.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlessapp.local.RuntimeState;
import dev.serverlessapp.local.routing.EventRules;
import dev.serverlessapp.local.routing.HttpEvents;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Posts a CloudEvent to a running Broker, in binary mode (structured mode when an attribute is not
 * ASCII, which HTTP headers cannot carry from Java), or a structured event file as it is.
 */
@Command(name = "send", description = "Send a CloudEvent to a Broker (binary mode; --file sends structured mode).")
final class SendCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
    public Integer call() {
        if (broker != null && !broker.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--broker takes a Broker's name (lower-case letters, digits and -), e.g. email");
        }
        if (file == null && type == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give --type (and --data), or --file with a structured event");
        }
        RuntimeState state = RuntimeState.read(location.dataDir());
        if (state.brokerUrl() == null) {
            throw new LocalCommand.Failure("The running runtime has no broker: the chart defines none");
        }
        URI url = URI.create(this.broker == null ? state.brokerUrl()
                : state.brokerUrl().substring(0, state.brokerUrl().lastIndexOf('/') + 1) + this.broker);
        HttpResponse<String> response = file != null
                ? RuntimeHttp.post(url, Map.of("content-type", "application/cloudevents+json"), readFile())
                : send(url, event());
        if (response.statusCode() == 202) {
            System.out.println("accepted by " + url);
            return 0;
        }
        System.err.println("refused (HTTP " + response.statusCode() + "): " + LocalCommand.oneLine(response.body()));
        return 1;
    }

    private byte[] readFile() {
        try {
            return "-".equals(file) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new LocalCommand.Failure("Cannot read " + ("-".equals(file) ? "stdin" : file) + ": " + e);
        }
    }

    private CloudEvent event() {
        CloudEventBuilder builder;
        try {
            builder = CloudEventBuilder.v1().withId(id == null ? UUID.randomUUID().toString() : id)
                    .withType(type).withSource(new URI(source));
        } catch (URISyntaxException e) {
            throw new LocalCommand.Failure("--source is not a URI reference: " + e.getMessage());
        }
        if (data != null) {
            try {
                JSON.readTree(data);
            } catch (JacksonException e) {
                throw new LocalCommand.Failure("--data is not JSON: " + e.getOriginalMessage());
            }
            builder.withData("application/json", data.getBytes(StandardCharsets.UTF_8));
        }
        CloudEvent event;
        try {
            extensions.forEach(builder::withExtension);
            event = builder.build();
        } catch (RuntimeException e) {
            throw new LocalCommand.Failure("Not a valid CloudEvent: " + LocalCommand.oneLine(e));
        }
        EventRules.problem(event).ifPresent(problem -> {
            throw new LocalCommand.Failure("Not a valid CloudEvent: " + problem);
        });
        return event;
    }

    private static HttpResponse<String> send(URI broker, CloudEvent event) {
        HttpEvents.Message binary = HttpEvents.binary(event);
        if (binary.headers().values().stream().allMatch(v -> v.chars().allMatch(c -> c >= 0x20 && c < 0x7f))) {
            return RuntimeHttp.post(broker, binary.headers(), binary.body());
        }
        return RuntimeHttp.post(broker, Map.of("content-type", "application/cloudevents+json"), HttpEvents.json(event));
    }
}
