package dev.serverlessapp.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.Dynalite;
import dev.serverlessapp.backends.Ports;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Guards the large fault run's finding: a client that went away half way through a request killed
 * dynalite ("Error: aborted"), and with it every DynamoDB call of the local runtime until it was
 * restarted by hand: hundreds of 503s and dead-lettered welcomes.
 */
class DynaliteAbortedRequestTest {

    @Test
    void aRequestCutOffHalfWayLeavesDynaliteAnswering() throws Exception {
        try (Dynalite dynalite = Dynalite.start(Ports.free(), null);
                HttpClient http = HttpClient.newHttpClient()) {
            for (int cut = 0; cut < 3; cut++) {
                try (Socket socket = new Socket("127.0.0.1", dynalite.endpoint().getPort())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                            + "X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 100\r\n\r\n{\"Lim")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                // Any answer, even one refusing the unsigned request, shows the server is still there.
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(dynalite.endpoint())
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-amz-json-1.0")
                        .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isBetween(200, 499);
            }
        }
    }
}
