package dev.serverlessapp.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Runs Knative's SQS sink connector (the dead-letter sink's {@code aws-sqs-sink}, see
 * {@link SqsSinkConnector}) with the environment Knative gives the chart's rendered {@code dead-letters}
 * IntegrationSink, and posts it a dead letter as Knative's dispatcher does. What lands on the queue is
 * what an operator reading dead letters gets.
 */
class SqsSinkConnectorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private static LocalSqs elasticMq;
    private static SqsClient sqs;
    private static ConnectorProcess connector;
    private static int port;
    private static String queueUrl;

    @BeforeAll
    static void startConnector() throws IOException {
        elasticMq = new LocalSqs();
        sqs = elasticMq.client();
        URI endpoint = elasticMq.endpoint();

        Map<String, Object> spec = ConnectorProcess.renderedSpec("IntegrationSink", "dead-letters");
        @SuppressWarnings("unchecked")
        Map<String, Object> sqsSpec = (Map<String, Object>) ((Map<String, Object>) spec.get("aws")).get("sqs");
        String arn = (String) sqsSpec.get("arn");
        queueUrl = elasticMq.createQueue(arn);
        sqsSpec.put("overrideEndpoint", true);
        sqsSpec.put("uriEndpointOverride", endpoint.toString());

        port = ConnectorProcess.freePort();
        connector = ConnectorProcess.start(SqsSinkConnector.class,
                KnativeEnvironment.ofSink(spec, Map.of("aws.accessKey", "test", "aws.secretKey", "test")),
                Integer.toString(port));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        if (elasticMq != null) {
            elasticMq.close();
        }
    }

    @Test
    void aDeadLetterKeepsItsDataAndAtMostTenOfItsHttpHeadersButNotItsCloudEventAttributes() throws Exception {
        String data = "{\"type\":\"bogus\"}";
        // As Knative's dispatcher (Go, CloudEvents sdk-go) sends it: canonical header names, extensions
        // as Ce-<Name>, the error extensions added for the dead-letter sink.
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "dead-letters-deployment.serverless-app.svc.cluster.local");
        headers.put("User-Agent", "Go-http-client/1.1");
        headers.put("Content-Length", Integer.toString(data.length()));
        headers.put("Ce-Id", "8EBADBAEA0ACE86-0000000000000009");
        headers.put("Ce-Knativeerrorcode", "422");
        headers.put("Ce-Knativeerrordata", "eyJ0aXRsZSI6IlVucHJvY2Vzc2FibGUifQ==");
        headers.put("Ce-Knativeerrordest", "http://email-worker.serverless-app.svc.cluster.local");
        headers.put("Ce-Source", "dev.knative.eventing.aws-sqs-source");
        headers.put("Ce-Specversion", "1.0");
        headers.put("Ce-Subject", "aws-sqs-source");
        headers.put("Ce-Time", "2026-12-02T18:24:07.868Z");
        headers.put("Ce-Type", "dev.knative.eventing.aws-sqs");
        headers.put("Content-Type", "application/json");
        headers.put("Kn-Namespace", "serverless-app");
        headers.put("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        headers.put("Accept-Encoding", "gzip");

        int status = awaitAnswer(() -> post(headers, data));
        Message dead = awaitMessage();

        assertThat(status).isBetween(200, 299);
        assertThat(dead.body()).isEqualTo(data);
        Map<String, MessageAttributeValue> attributes = dead.messageAttributes();
        assertThat(attributes).as("SQS takes ten; the rest are dropped").hasSize(10);
        assertThat(attributes.keySet()).as("HTTP headers under the names they were sent with")
                .isSubsetOf(headers.keySet())
                .contains("Ce-Knativeerrorcode", "Ce-Knativeerrordata", "Ce-Knativeerrordest")
                .as("the event's own attributes are gone")
                .doesNotContain("Ce-Id", "Ce-Type", "Ce-Source", "Ce-Specversion", "Ce-Subject", "Ce-Time");
        // Kept in alphabetical order (Camel's case-insensitive header map) up to the tenth: the later ones are lost.
        assertThat(attributes.keySet()).containsExactlyInAnyOrder("Accept-Encoding", "Ce-Knativeerrorcode",
                "Ce-Knativeerrordata", "Ce-Knativeerrordest", "Content-Length", "Content-Type", "Host", "Kn-Namespace",
                "Traceparent", "User-Agent");
        assertThat(attributes.get("Ce-Knativeerrorcode").stringValue()).isEqualTo("422");
    }

    private interface Attempt {
        int run() throws IOException;
    }

    /** Posts until the connector answers at all (it takes a few seconds to start). */
    private static int awaitAnswer(Attempt attempt) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (true) {
            try {
                int status = attempt.run();
                if (status != 404 && status != 503) {
                    return status;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!connector.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("the sink did not take the event; its output:\n" + connector.output());
            }
            Thread.sleep(200);
        }
    }

    private static Message awaitMessage() throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).messageAttributeNames("All")
                    .waitTimeSeconds(1)).messages();
            if (!messages.isEmpty()) {
                return messages.getFirst();
            }
        }
        throw new AssertionError("nothing on the dead-letter queue; the sink's output:\n" + connector.output());
    }

    /**
     * One HTTP/1.1 request written as is, so that the header names and their case are exactly these (no
     * Connection header, as Go sends none; only the status line of the answer is read).
     */
    private static int post(Map<String, String> headers, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder("POST / HTTP/1.1\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n").append(body);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            if (!statusLine.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP answer: " + statusLine);
            }
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
