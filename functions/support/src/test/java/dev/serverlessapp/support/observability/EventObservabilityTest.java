package dev.serverlessapp.support.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessapp.support.cloudevents.EchoFunctionApp;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What an operator sees of event handling: the Prometheus counter per type and outcome on the
 * management port, the span that continues the event's traceparent, and the ids on the log lines.
 */
@SpringBootTest(classes = {EchoFunctionApp.class, EventObservabilityTest.Spans.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.application.name=echo", "management.opentelemetry.tracing.export.schedule-delay=50ms"})
@AutoConfigureWebTestClient(timeout = "PT30S")
@ExtendWith(OutputCaptureExtension.class)
class EventObservabilityTest {


    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "observability");
    }

    /** Spans stay in memory instead of going out over OTLP. */
    @TestConfiguration
    static class Spans {
        @Bean
        InMemorySpanExporter spans() {
            return InMemorySpanExporter.create();
        }
    }

    @Autowired
    WebTestClient http;

    @Autowired
    InMemorySpanExporter spans;

    @LocalManagementPort
    int managementPort;

    @Test
    void deadLetteredEventIsCountedOnTheMetricsEndpoint() {
        double before = handled("test.poison", "dead-lettered");

        post("test.poison", UUID.randomUUID().toString(), null).expectStatus().isBadRequest();

        assertCounted("test.poison", "dead-lettered", before + 1);
    }

    @Test
    void eachOutcomeIsCountedApart() {
        double succeeded = handled("test.silent", "success");
        double retried = handled("test.flaky", "retried");
        double invalid = handled("invalid", "dead-lettered");

        post("test.silent", UUID.randomUUID().toString(), null).expectStatus().isAccepted();
        post("test.flaky", UUID.randomUUID().toString(), null).expectStatus().isEqualTo(503);
        http.post().uri("/").bodyValue("not an event").exchange().expectStatus().isBadRequest();

        assertCounted("test.silent", "success", succeeded + 1);
        assertCounted("test.flaky", "retried", retried + 1);
        assertCounted("invalid", "dead-lettered", invalid + 1);
    }

    /** Issue 11: these answered 500 and counted as retried; each is dead-lettered as an invalid event. */
    @Test
    void eventsThatDoNotDeserializeOrAreTooLargeAreCountedAsInvalid() {
        double invalid = handled("invalid", "dead-lettered");
        double retried = handled("invalid", "retried");

        http.post().uri("/").header("Content-Type", "application/cloudevents+json")
                .bodyValue("{\"specversion\":\"9000.1\",\"id\":1}").exchange().expectStatus().isBadRequest();
        http.post().uri("/").header("ce-specversion", "1.0").header("ce-id", "big").header("ce-source", "/observability")
                .header("ce-type", "test.silent").bodyValue("x".repeat(300 * 1024)).exchange()
                .expectStatus().isEqualTo(413);

        assertCounted("invalid", "dead-lettered", invalid + 2);
        assertCounted("invalid", "retried", retried);
    }

    @Test
    void handlingContinuesTheTraceInTheEventsTraceparent() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String parentSpanId = traceId.substring(0, 16);
        String id = UUID.randomUUID().toString();

        post("test.silent", id, "00-" + traceId + "-" + parentSpanId + "-01").expectStatus().isAccepted();

        SpanData span = await().atMost(Duration.ofSeconds(5)).until(() -> spanOf(id), found -> found != null);
        assertThat(span.getTraceId()).isEqualTo(traceId);
        assertThat(span.getParentSpanId()).isEqualTo(parentSpanId);
        assertThat(span.getName()).isEqualTo("handle test.silent");
    }

    @Test
    void logLinesCarryTheTraceIdAndTheEventId(CapturedOutput output) {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String id = UUID.randomUUID().toString();

        post("test.silent", id, "00-" + traceId + "-" + traceId.substring(16) + "-01").expectStatus().isAccepted();

        String handled = await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().lines()
                .filter(line -> line.contains("Handled event") && line.contains(id)).findFirst().orElse(null),
                line -> line != null);
        // ECS nests the dotted MDC key cloudevents.event_id.
        assertThat(handled).contains("\"traceId\":\"" + traceId + "\"")
                .contains("\"cloudevents\":{\"event_id\":\"" + id + "\"}");
    }

    /**
     * Issue 15: no OTLP endpoint is set here, so an event that starts its trace records no span (none
     * could leave); its trace id still marks the log line. One that continues a sampled trace is recorded.
     */
    @Test
    void anEventThatStartsItsTraceRecordsNoSpanButLogsTheTraceId(CapturedOutput output) {
        String unsampled = UUID.randomUUID().toString();
        post("test.silent", unsampled, null).expectStatus().isAccepted();
        String sampled = UUID.randomUUID().toString();
        String traceId = UUID.randomUUID().toString().replace("-", "");
        post("test.silent", sampled, "00-" + traceId + "-" + traceId.substring(16) + "-01").expectStatus().isAccepted();

        // Spans are exported in the order they end: once the later one is out, the earlier would be too.
        await().atMost(Duration.ofSeconds(5)).until(() -> spanOf(sampled), found -> found != null);
        assertThat(spanOf(unsampled)).as("span of the event that started its trace").isNull();
        String handled = await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().lines()
                .filter(line -> line.contains("Handled event") && line.contains(unsampled)).findFirst().orElse(null),
                line -> line != null);
        assertThat(handled).containsPattern("\"traceId\":\"[0-9a-f]{32}\"")
                .doesNotContain("\"traceId\":\"00000000000000000000000000000000\"");
    }

    /** The finished span that handled the event with this id, or null. */
    SpanData spanOf(String eventId) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> eventId.equals(s.getAttributes().asMap().entrySet().stream()
                        .filter(e -> e.getKey().getKey().equals(EventLogFields.EVENT_ID))
                        .map(e -> e.getValue().toString()).findFirst().orElse(null)))
                .findFirst().orElse(null);
    }

    WebTestClient.ResponseSpec post(String type, String id, String traceparent) {
        return http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", "/observability")
                .header("ce-type", type)
                .headers(headers -> {
                    if (traceparent != null) {
                        // The CloudEvents distributed-tracing extension, in binary mode.
                        headers.add("ce-traceparent", traceparent);
                    }
                })
                .exchange();
    }

    /** The Prometheus count of handled events with this type and outcome, 0 before the first. */
    /** The count is recorded as the observation stops, which may be just after the answer has gone out. */
    void assertCounted(String type, String outcome, double expected) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(handled(type, outcome)).isEqualTo(expected));
    }

    double handled(String type, String outcome) {
        String scrape = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build()
                .get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        Matcher count = Pattern.compile("^events_handled_seconds_count\\{([^}]*)} (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        double total = 0;
        while (count.find()) {
            String labels = count.group(1);
            if (labels.contains("type=\"" + type + "\"") && labels.contains("outcome=\"" + outcome + "\"")) {
                total += Double.parseDouble(count.group(2));
            }
        }
        return total;
    }
}
