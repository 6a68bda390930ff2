package dev.serverlessapp.local.cli;

import dev.serverlessapp.local.routing.Attributes;
import dev.serverlessapp.local.routing.DeadLetters;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Lists the events the broker gave up on, with Knative's error extensions decoded. */
@Command(name = "dead-letters", description = "List the events the broker dead-lettered, with why.")
final class DeadLettersCommand implements Callable<Integer> {

    @Mixin
    LocalCommand.Location location = new LocalCommand.Location();

    @Override
    public Integer call() {
        List<CloudEvent> dead = DeadLetters.read(location.dataDir().resolve("dead-letters"));
        if (dead.isEmpty()) {
            System.out.println("no dead letters");
        }
        for (CloudEvent event : dead) {
            System.out.printf("%s  %s  id %s  from %s%n    to %s → %s%n    answer: %s%n    data: %s%n",
                    event.getTime(), event.getType(), event.getId(), event.getSource(),
                    Attributes.get(event, "knativeerrordest"),
                    Attributes.get(event, "knativeerrorcode") == null ? "no answer" : "HTTP " + Attributes.get(event, "knativeerrorcode"),
                    base64Text(Attributes.get(event, "knativeerrordata")),
                    event.getData() == null ? "" : new String(event.getData().toBytes(), StandardCharsets.UTF_8));
        }
        return 0;
    }

    /** Knative's error data is base64; anything else is shown as it is. */
    private static String base64Text(String data) {
        if (data == null) {
            return "";
        }
        try {
            return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return data;
        }
    }
}
