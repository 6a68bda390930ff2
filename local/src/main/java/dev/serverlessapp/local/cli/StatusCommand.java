package dev.serverlessapp.local.cli;

import dev.serverlessapp.local.RuntimeState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Where the running runtime's parts are. */
@Command(name = "status", description = "Show the URLs of the running local runtime.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    LocalCommand.Location location = new LocalCommand.Location();

    @Override
    public Integer call() {
        RuntimeState s = RuntimeState.read(location.dataDir());
        System.out.printf("running (pid %d)%n  API          %s%n  Broker       %s%n  S3           %s  bucket %s%n"
                        + "  SQS          %s  %s%n  DynamoDB     %s%n  Mail         %s%n  Dead letters %s%n",
                s.pid(), s.apiUrl(), s.brokerUrl(), s.s3Endpoint(), s.bucket(), s.sqsEndpoint(), s.queues(),
                s.dynamoDbEndpoint(), s.mailDir(), s.deadLetterDir());
        s.functions().forEach((name, url) -> System.out.printf("  %-12s %s%n", name, url));
        return 0;
    }
}
