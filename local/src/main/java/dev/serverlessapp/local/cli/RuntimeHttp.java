package dev.serverlessapp.local.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/** Requests to the running runtime; one that does not answer is a {@link LocalCommand.Failure} that says so. */
final class RuntimeHttp {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private RuntimeHttp() {
    }

    static HttpResponse<String> post(URI uri, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new LocalCommand.Failure("The local runtime does not answer at " + uri
                    + ": is it still running? Start it with ./serverless-local");
        } catch (HttpTimeoutException e) {
            throw new LocalCommand.Failure("The local runtime did not answer within " + TIMEOUT.toSeconds() + " s at " + uri);
        } catch (IOException e) {
            throw new LocalCommand.Failure("Could not talk to the local runtime at " + uri + ": " + LocalCommand.oneLine(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalCommand.Failure("Interrupted");
        }
    }
}
