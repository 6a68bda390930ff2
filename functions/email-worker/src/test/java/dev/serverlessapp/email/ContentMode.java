package dev.serverlessapp.email;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two ways Knative delivers a CloudEvent over HTTP. Events are built and written by the
 * CloudEvents SDK, as Knative's SQS IntegrationSource sends them: its type, source and subject, no
 * extension (the connector ignores ceOverrides: sqs-connector's SqsSourceConnectorTest), and the SQS
 * message body as data.
 */
enum ContentMode {
    BINARY, STRUCTURED;

    static final String SQS_TYPE = "dev.knative.eventing.aws-sqs";
    static final String SQS_SOURCE = "dev.knative.eventing.aws-sqs-source";
    static final String SQS_SUBJECT = "aws-sqs-source";

    WebTestClient.ResponseSpec deliver(WebTestClient http, String id, String messageBody) {
        return deliver(http, id, SQS_TYPE, messageBody);
    }

    WebTestClient.ResponseSpec deliver(WebTestClient http, String id, String type, String messageBody) {
        // In structured mode JSON data is embedded as JSON, so a body that is not JSON travels as text.
        String contentType = this == BINARY || isJson(messageBody) ? "application/json" : "text/plain";
        CloudEvent event = CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create(SQS_SOURCE))
                .withType(type)
                .withSubject(SQS_SUBJECT)
                .withData(contentType, messageBody.getBytes(StandardCharsets.UTF_8))
                .build();
        HttpHeaders headers = new HttpHeaders();
        byte[][] body = {new byte[0]};
        var writer = HttpMessageFactory.createWriter(headers::add, bytes -> body[0] = bytes);
        if (this == BINARY) {
            writer.writeBinary(event);
        } else {
            writer.writeStructured(event, JsonFormat.CONTENT_TYPE);
        }
        return http.post().uri("/").headers(h -> h.addAll(headers)).bodyValue(body[0]).exchange();
    }

    private static boolean isJson(String text) {
        try {
            JsonMapper.shared().readTree(text);
            return true;
        } catch (JacksonException e) {
            return false;
        }
    }
}
