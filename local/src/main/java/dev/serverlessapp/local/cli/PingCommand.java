package dev.serverlessapp.local.cli;

import dev.serverlessapp.local.RuntimeState;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
    public Integer call() {
        RuntimeState state = RuntimeState.read(location.dataDir());
        URI uri = URI.create(state.controlUrl() + "/-/pingsources/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        HttpResponse<String> response = RuntimeHttp.post(uri, Map.of(), new byte[0]);
        if (response.statusCode() == 202) {
            System.out.println("fired " + name + ": " + response.body());
            return 0;
        }
        System.err.println("could not fire " + name + " (HTTP " + response.statusCode() + "): "
                + LocalCommand.oneLine(response.body()));
        return 1;
    }
}
