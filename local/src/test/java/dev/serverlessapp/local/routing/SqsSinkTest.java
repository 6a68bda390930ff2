package dev.serverlessapp.local.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The dead-letter message keeps what Knative's sink connector keeps (SqsSinkConnectorTest runs the real one). */
class SqsSinkTest {

    @Test
    void extensionsBecomeAttributesUnderTheirHeaderNamesTheEventsOwnAttributesAreLostTenAtMost() {
        CloudEventBuilder builder = CloudEventBuilder.v1().withId("1").withType("dev.knative.eventing.aws-sqs")
                .withSource(URI.create("dev.knative.eventing.aws-sqs-source")).withSubject("aws-sqs-source")
                .withData("application/json", "{}".getBytes())
                .withExtension("knativeerrorcode", "422").withExtension("knativeerrordest", "http://email-worker")
                .withExtension("knativeerrordata", "eyJ9").withExtension("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        for (char c = 'a'; c <= 'h'; c++) {
            builder.withExtension("x" + c, "v");
        }
        CloudEvent event = builder.build();

        assertThat(SqsSink.attributes(event).keySet()).containsExactly("ce-knativeerrorcode", "ce-knativeerrordata",
                "ce-knativeerrordest", "ce-traceparent", "ce-xa", "ce-xb", "ce-xc", "ce-xd", "ce-xe", "ce-xf");
        assertThat(SqsSink.attributes(CloudEventBuilder.v1(event).withoutExtension("xa").withoutExtension("xb")
                .withoutExtension("xc").withoutExtension("xd").withoutExtension("xe").withoutExtension("xf")
                .withoutExtension("xg").withoutExtension("xh").build()))
                .containsOnlyKeys("ce-knativeerrorcode", "ce-knativeerrordata", "ce-knativeerrordest", "ce-traceparent", "content-type");
    }
}
