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
        System.exit(commandLine().execute(withUp(args)));
    }

    /**
     * The command line as {@code serverless-local} runs it. A command that fails, or is given bad input,
     * prints one line saying why and exits non-zero: 2 for a usage error, 1 for anything else. Never a
     * stack trace: the user can do nothing with one.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new LocalCommand())
                .setParameterExceptionHandler((e, args) -> {
                    CommandLine failed = e.getCommandLine();
                    failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + oneLine(e)
                            + " (see " + failed.getCommandSpec().qualifiedName() + " --help)");
                    return 2;
                })
                .setExecutionExceptionHandler((e, failed, parseResult) -> {
                    failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + oneLine(e));
                    return 1;
                });
    }

    /** Flags without a sub-command belong to `up`: `serverless-local --fresh`. */
    static String[] withUp(String[] args) {
        if (args.length == 0 || args[0].startsWith("-") && !args[0].equals("-h") && !args[0].equals("--help")
                && !args[0].equals("-V") && !args[0].equals("--version")) {
            String[] withUp = new String[args.length + 1];
            withUp[0] = "up";
            System.arraycopy(args, 0, withUp, 1, args.length);
            return withUp;
        }
        return args;
    }

    /** What went wrong, on one line: the message, else the exception's name. */
    static String oneLine(Throwable e) {
        return oneLine(e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage());
    }

    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** A command that cannot do what it was asked; its message is the whole story. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
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
