package dev.serverlessapp.local.routing;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * An SQS IntegrationSink, as the chart's dead-letter sink is, keeping what Knative's connector keeps
 * (sqs-connector's {@code SqsSinkConnectorTest} runs the real one): the event's data becomes the message
 * body, and its HTTP headers become message attributes under the names they came with, except those of
 * the event's own context attributes (type, source, id, ...), which are lost. SQS takes ten attributes;
 * the connector keeps the first ten in case-insensitive alphabetical order and drops the rest. Here the
 * headers are the event's extensions ({@code ce-knativeerrorcode}, ...) and its content type.
 */
public final class SqsSink {

    static final int MAX_ATTRIBUTES = 10;

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
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        event.getExtensionNames().forEach(name -> headers.put("ce-" + name, Attributes.get(event, name)));
        if (event.getDataContentType() != null) {
            headers.put("content-type", event.getDataContentType());
        }
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        headers.entrySet().stream().filter(h -> h.getValue() != null && !h.getValue().isEmpty()).limit(MAX_ATTRIBUTES)
                .forEach(h -> attributes.put(h.getKey(),
                        MessageAttributeValue.builder().dataType("String").stringValue(h.getValue()).build()));
        return attributes;
    }
}
