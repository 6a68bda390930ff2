package dev.serverlessapp.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a running runtime can be reached, kept in the data folder so that the other commands
 * (send, ping, mail, dead-letters) find it.
 */
public record RuntimeState(long pid, String apiUrl, String brokerUrl, String controlUrl, String s3Endpoint,
                           String sqsEndpoint, String dynamoDbEndpoint, String region, String bucket,
                           Map<String, String> queues, Map<String, String> functions, String mailDir,
                           String deadLetterDir) {

    static final String FILE = "runtime.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    void write(Path dataDir) {
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(dataDir.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The state of the runtime that is running now on this data folder. */
    public static RuntimeState read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new NotRunningException("The local runtime is not running (no " + file + "): start it with ./serverless-local");
        }
        try {
            RuntimeState state = JSON.readValue(file.toFile(), RuntimeState.class);
            if (ProcessHandle.of(state.pid()).map(ProcessHandle::isAlive).orElse(false)) {
                return state;
            }
            throw new NotRunningException("The local runtime is not running (process " + state.pid()
                    + " has ended): start it with ./serverless-local");
        } catch (IOException e) {
            throw new NotRunningException("The local runtime is not running (" + file + " is unreadable)");
        }
    }

    /** No runtime runs on that data folder. */
    public static final class NotRunningException extends IllegalStateException {
        NotRunningException(String message) {
            super(message);
        }
    }

    static void delete(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            // Nothing to clean up then.
        }
    }
}
