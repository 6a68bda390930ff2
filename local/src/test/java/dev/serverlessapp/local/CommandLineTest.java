package dev.serverlessapp.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.cli.LocalCommand;
import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.backends.SmtpCatcher;
import io.cloudevents.CloudEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serverless-local} as a user types it: bad input, a runtime that is missing or gone, gets one
 * line that says why and a non-zero exit, never a stack trace. A live broker ingress plays the runtime.
 */
class CommandLineTest {

    @TempDir
    Path dataDir;

    @RegisterExtension
    static final IngressFixture fixture = new IngressFixture();

    /** What a run printed and how it ended. */
    record Run(int exit, String out, String err) {
    }

    @Test
    void withoutARuntimeEveryCommandSaysSoInOneLine() {
        for (String[] command : new String[][] {{"send", "--type", "t"}, {"ping"}, {"status"}}) {
            Run run = run(command);
            assertOneLineFailure(run, 1);
            assertThat(run.err()).contains("not running");
        }
    }

    @Test
    void aRuntimeThatIsGoneIsNamedNotDumped() throws Exception {
        String nowhere = "http://127.0.0.1:" + Ports.free();
        state(nowhere + "/serverless-app/default", nowhere);
        assertThat(run("send", "--type", "t").err()).contains("does not answer");
        assertOneLineFailure(run("send", "--type", "t"), 1);
        assertOneLineFailure(run("ping"), 1);

        Files.writeString(dataDir.resolve(RuntimeState.FILE), "{ not json");
        assertOneLineFailure(run("status"), 1);
    }

    @Test
    void badEventsAreRefusedBeforeOrByTheBrokerInOneLine() throws Exception {
        liveState();
        Path huge = dataDir.resolve("huge.json");
        Files.writeString(huge, "{\"specversion\":\"1.0\",\"id\":\"h\",\"type\":\"t\",\"source\":\"/s\",\"data\":\""
                + "x".repeat(IngressServer.MAX_EVENT_BYTES) + "\"}");
        Path notJson = dataDir.resolve("bad.json");
        Files.writeString(notJson, "{\"specversion\":");

        assertOneLineFailure(run("send", "--type", "t", "--data", "not json"), 1);
        assertOneLineFailure(run("send", "--type", "t", "--data", "{} trailing"), 1);
        assertOneLineFailure(run("send", "--type", "t", "-e", "Bad-Name=x"), 1);
        assertOneLineFailure(run("send", "--type", "t", "--source", "a b"), 1);
        assertOneLineFailure(run("send", "--type", "t", "--id", "a\nb"), 1);
        assertOneLineFailure(run("send", "--type", ""), 1);
        assertOneLineFailure(run("send", "--file", dataDir.resolve("missing.json").toString()), 1);
        assertThat(run("send", "--file", huge.toString()).err()).contains("HTTP 413");
        assertOneLineFailure(run("send", "--file", huge.toString()), 1);
        assertOneLineFailure(run("send", "--file", notJson.toString()), 1);
        assertOneLineFailure(run("ping", "nightly"), 1);
        // Usage errors: exit 2.
        assertOneLineFailure(run("send"), 2);
        assertOneLineFailure(run("send", "--type", "t", "-e", "novalue"), 2);

        assertThat(fixture.deadLetters()).isEmpty();
    }

    @Test
    void aGoodEventIsSentAndOneBeyondAsciiArrivesWhole() {
        liveState();
        Run sent = run("send", "--type", "cli.test", "--id", "cli-1", "--data", "{\"a\":1}");
        assertThat(sent.exit()).isZero();
        assertThat(fixture.awaitDelivered("cli-1", Duration.ofSeconds(30))).isPresent();

        // Java's HTTP client cannot put it in a header, so it goes in structured mode.
        assertThat(run("send", "--type", "cli.test", "--id", "cli-2", "-e", "note=Grüße 例").exit()).isZero();
        assertThat(fixture.awaitDelivered("cli-2", Duration.ofSeconds(30)))
                .hasValueSatisfying(event -> assertThat(event.getExtension("note")).isEqualTo("Grüße 例"));
    }

    @Test
    void generateEventRefusesBadArgumentsAndQuotesWhatItIsGiven() {
        assertOneLineFailure(run("generate-event", "bogus"), 2);
        assertOneLineFailure(run("generate-event", "s3", "--size", "-1"), 2);
        assertOneLineFailure(run("generate-event", "s3", "--size", "many"), 2);
        assertOneLineFailure(run("generate-event", "ping", "--namespace", "a b"), 2);
        assertOneLineFailure(run("frobnicate"), 2);
        assertOneLineFailure(run("up", "--bind-address", "not-an-address", "--data-dir", dataDir.toString()), 1);

        Run welcome = run("generate-event", "welcome", "--to", "x\"y@example.com");
        assertThat(welcome.exit()).isZero();
        CloudEvent event = dev.serverlessapp.local.routing.HttpEvents.fromJson(welcome.out().getBytes(StandardCharsets.UTF_8));
        assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8)).contains("\"to\":\"x\\\"y@example.com\"");
    }

    @Test
    void mailToAnInternationalizedAddressIsListed() throws Exception {
        try (SmtpCatcher smtp = SmtpCatcher.start(Ports.free())) {
            MailOutboxTest.send(smtp, "ada@bücher.example");
            assertThat(smtp.await(1, 10_000)).isTrue();
            new MailOutbox(smtp, dataDir.resolve("mail")).copyNew();
        }
        Run mail = run("mail", "--body");
        assertThat(mail.exit()).as(mail.err()).isZero();
        assertThat(mail.out()).contains("to ada@bücher.example").contains("Hello and welcome.");
        assertNoStackTrace(mail);
    }

    private void liveState() {
        state("http://127.0.0.1:" + fixture.ingress.port() + fixture.brokerPath(), "http://127.0.0.1:" + fixture.ingress.port());
    }

    private void state(String brokerUrl, String controlUrl) {
        new RuntimeState(ProcessHandle.current().pid(), null, brokerUrl, controlUrl, null, null, null, "us-east-1",
                "bucket", Map.of(), Map.of(), dataDir.resolve("mail").toString(), fixture.deadLetterDir.toString()).write(dataDir);
    }

    /** Runs the command line as {@code serverless-local} does, on this test's data folder. */
    private Run run(String... args) {
        String[] withData = args.length == 0 || args[0].equals("up") || args[0].equals("generate-event") || args[0].equals("frobnicate")
                ? args : java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--data-dir", dataDir.toString()))
                .toArray(String[]::new);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int exit = LocalCommand.commandLine().execute(withData);
            return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static void assertOneLineFailure(Run run, int exit) {
        assertThat(run.exit()).as("exit of a run that printed %s%s", run.out(), run.err()).isEqualTo(exit);
        assertThat(run.err().strip()).as("stderr").isNotEmpty().doesNotContain("\n");
        assertNoStackTrace(run);
    }

    private static void assertNoStackTrace(Run run) {
        assertThat(run.out() + run.err()).doesNotContain("\tat ").doesNotContain("Exception in").doesNotContain(".java:");
    }
}
