package dev.serverlessapp.local.cli;

import dev.serverlessapp.local.RuntimeOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serverless-local}: starts the whole system locally (the default), or talks to the one that
 * runs: send an event, fire a PingSource, generate sample events, read the mail and the dead letters.
 */
@Command(name = "serverless-local", mixinStandardHelpOptions = true,
        description = "Runs serverless-app on this machine: the functions, Knative's routing from the chart, and "
                + "AWS-compatible backends.",
        subcommands = {UpCommand.class, SendCommand.class, GenerateEventCommand.class, PingCommand.class,
                MailCommand.class, DeadLettersCommand.class, StatusCommand.class})
public final class LocalCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No sub-command: start, as `up` does with its defaults.
        System.exit(new CommandLine(new UpCommand()).execute());
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new LocalCommand());
        if (args.length == 0 || args[0].startsWith("-") && !args[0].equals("-h") && !args[0].equals("--help")
                && !args[0].equals("-V") && !args[0].equals("--version")) {
            // Flags without a sub-command belong to `up`: `serverless-local --fresh`.
            String[] withUp = new String[args.length + 1];
            withUp[0] = "up";
            System.arraycopy(args, 0, withUp, 1, args.length);
            args = withUp;
        }
        System.exit(commandLine.execute(args));
    }

    /** Options every command shares: where the repository and its local data are. */
    static final class Location {
        @Option(names = "--data-dir", description = "Where data is kept between runs (default: <repo>/.local-data).")
        Path dataDir;

        Path projectDir() {
            return RuntimeOptions.findProjectDir(Path.of(""));
        }

        Path dataDir() {
            return dataDir != null ? dataDir.toAbsolutePath() : projectDir().resolve(".local-data");
        }
    }

    static Duration duration(String text) {
        return text.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(text)) : Duration.parse(text);
    }

    static URI uri(String text) {
        return URI.create(text);
    }
}
