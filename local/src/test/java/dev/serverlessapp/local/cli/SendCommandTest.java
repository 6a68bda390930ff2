package dev.serverlessapp.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.testing.fuzz.Fuzz;
import dev.serverlessapp.testing.fuzz.Hostile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `send --broker` names a Broker, never a path: anything else is refused before the runtime is asked. */
class SendCommandTest {

    @TempDir
    Path dataDir;

    @Test
    void aBrokerNameThatIsNotAKubernetesNameIsRefused() {
        Fuzz.run("send --broker", 200, 5000, (random, index) -> {
            String broker = random.nextBoolean() ? Hostile.text(random, 80) : Hostile.almostValid(random, "email");
            if (broker.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                return;
            }
            StringWriter err = new StringWriter();
            int exit = new CommandLine(new LocalCommand()).setErr(new PrintWriter(err))
                    .execute("send", "--data-dir=" + dataDir, "--broker", broker, "--type", "t");

            assertThat(exit).as("broker %s", Hostile.quote(broker)).isEqualTo(2);
        });
    }
}
