package dev.serverlessapp.local.cli;

import dev.serverlessapp.local.RuntimeState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Fires a PingSource now, as if its schedule had come round. */
@Command(name = "ping", description = "Fire a PingSource now (default: hourly).")
final class PingCommand implements Callable<Integer> {

    @Mixin
    LocalCommand.Location location = new LocalCommand.Location();

    @Parameters(arity = "0..1", defaultValue = "hourly", description = "The PingSource's name. Default: ${DEFAULT-VALUE}.")
    String name;

    @Override
    public Integer call() throws IOException, InterruptedException {
        RuntimeState state = RuntimeState.read(location.dataDir());
        HttpRequest request = HttpRequest.newBuilder(URI.create(state.controlUrl() + "/-/pingsources/" + name))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        System.out.println(response.statusCode() == 202 ? "fired " + name + ": " + response.body()
                : "could not fire " + name + " (HTTP " + response.statusCode() + "): " + response.body());
        return response.statusCode() == 202 ? 0 : 1;
    }
}
