package dev.serverlessapp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFolderTest {

    @TempDir
    Path dataDir;

    @Test
    void aSecondRuntimeOnTheSameFolderIsRefusedAndTheFirstsStateIsKept() {
        // This JVM plays the runtime that runs there.
        state(ProcessHandle.current().pid()).write(dataDir);

        assertThatThrownBy(() -> DataFolder.prepare(dataDir, true))
                .hasMessageContaining("already runs on " + dataDir).hasMessageContaining("--random-ports");
        assertThat(dataDir.resolve(RuntimeState.FILE)).isRegularFile();
    }

    @Test
    void theStateOfAnEndedRuntimeDoesNotStopAStart() throws IOException {
        Process ended = new ProcessBuilder("true").start();
        ended.onExit().join();
        state(ended.pid()).write(dataDir);

        DataFolder.prepare(dataDir, false);

        assertThat(dataDir.resolve("logs")).isDirectory();
    }

    @Test
    void freshEmptiesTheFolderAndOtherwiseItIsKept() throws IOException {
        Files.createDirectories(dataDir.resolve("sqs"));
        Files.writeString(dataDir.resolve("sqs/elasticmq.mv.db"), "queued");

        DataFolder.prepare(dataDir, false);
        assertThat(dataDir.resolve("sqs/elasticmq.mv.db")).hasContent("queued");

        DataFolder.prepare(dataDir, true);
        assertThat(dataDir.resolve("sqs")).doesNotExist();
        assertThat(dataDir.resolve("logs")).isDirectory();
    }

    private static RuntimeState state(long pid) {
        return new RuntimeState(pid, null, null, null, null, null, null, "us-east-1", "bucket", Map.of(), Map.of(),
                null, null);
    }
}
