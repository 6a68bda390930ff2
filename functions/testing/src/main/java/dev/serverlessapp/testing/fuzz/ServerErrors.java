package dev.serverlessapp.testing.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fuzz oracle's other side: the 5xx a function counted itself, by Micrometer's {@code http.server.requests}
 * on its management port. A client that got no 5xx is not enough: a 5xx the function logs and counts for an
 * answer that never went out (a request the server had already refused) pages an operator all the same.
 */
public final class ServerErrors {

    private static final Pattern FIVE_HUNDREDS =
            Pattern.compile("^http_server_requests_seconds_count\\{[^}]*status=\"5\\d\\d\"[^}]*} (\\S+)$", Pattern.MULTILINE);

    private ServerErrors() {
    }

    /** The requests counted with a 5xx status, from {@code /actuator/prometheus} on the management port. */
    public static long counted(int managementPort) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (scrape.statusCode() != 200) {
                throw new AssertionError("the Prometheus scrape answered " + scrape.statusCode());
            }
            Matcher count = FIVE_HUNDREDS.matcher(scrape.body());
            long total = 0;
            while (count.find()) {
                total += (long) Double.parseDouble(count.group(1));
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
