package dev.serverlessapp.support.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.support.cloudevents.EchoFunctionApp;
import dev.serverlessapp.testing.fuzz.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An {@code Accept} field with empty elements, or with nothing in it, is answered as if they were not there,
 * on both ports: Spring Boot's health and Prometheus endpoints answered it with a 500.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BlankAcceptElementsTest {

    static final List<String> BLANK = List.of("Accept: ", "Accept:   ", "Accept: ,", "Accept: , ,");

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "blank-accept");
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    // guards the fuzz finding (ManagementPortFuzzTest, seed 7): "Accept:" made the Prometheus scrape a 500
    @Test
    void aScrapeWithAnAcceptListingNoMediaTypeGetsTheDefaultFormat() throws IOException {
        for (String accept : BLANK) {
            RawHttp.Response answer = get(managementPort, "/actuator/prometheus", accept);
            assertThat(answer.status()).as(accept).isEqualTo(200);
            assertThat(answer.contentType()).startsWith("text/plain");
        }
        RawHttp.Response openMetrics = get(managementPort, "/actuator/prometheus", "Accept: , application/openmetrics-text, ,");
        assertThat(openMetrics.contentType()).as("the elements that are there still count").startsWith("application/openmetrics-text");
    }

    // guards the finding that "Accept: ," made a function's /livez and /readyz (on the serving port) a 500
    @Test
    void probesWithEmptyAcceptElementsAreAnswered() throws IOException {
        for (String path : List.of("/livez", "/readyz")) {
            for (String accept : BLANK) {
                assertThat(get(port, path, accept).status()).as(path + " " + accept).isEqualTo(200);
            }
            assertThat(get(port, path, "Accept: application/x-nothing, ,").checkProblemOracle().status())
                    .as("what is left is still negotiated").isEqualTo(406);
        }
    }

    RawHttp.Response get(int to, String path, String accept) throws IOException {
        return RawHttp.exchange(to, ("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + accept + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(30));
    }
}
