package dev.serverlessapp.local.routing;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * An SQS IntegrationSink, as the chart's dead-letter sink is: the event's data becomes the message
 * body, its attributes message attributes. SQS allows ten attributes per message, so Knative's error
 * extensions and the core attributes come first.
 */
public final class SqsSink {

    static final int MAX_ATTRIBUTES = 10;
    private static final List<String> FIRST = List.of("knativeerrordest", "knativeerrorcode", "knativeerrordata",
            "type", "source", "id", "time", "specversion", "datacontenttype", "subject");

    private final String name;
    private final String queueUrl;
    private final SqsAsyncClient sqs;

    public SqsSink(String name, String queueUrl, SqsAsyncClient sqs) {
        this.name = name;
        this.queueUrl = queueUrl;
        this.sqs = sqs;
    }

    public String name() {
        return name;
    }

    public String queueUrl() {
        return queueUrl;
    }

    public Mono<Void> send(CloudEvent event) {
        String body = event.getData() == null ? "" : new String(event.getData().toBytes(), StandardCharsets.UTF_8);
        return Mono.fromFuture(() -> sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody(body)
                .messageAttributes(attributes(event)))).then();
    }

    static Map<String, MessageAttributeValue> attributes(CloudEvent event) {
        List<String> names = new ArrayList<>(FIRST);
        event.getExtensionNames().stream().sorted().filter(n -> !names.contains(n)).forEach(names::add);
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        for (String attribute : names) {
            String value = Attributes.get(event, attribute);
            if (value != null && !value.isEmpty() && attributes.size() < MAX_ATTRIBUTES) {
                attributes.put(attribute, MessageAttributeValue.builder().dataType("String").stringValue(value).build());
            }
        }
        return attributes;
    }
}
