package dev.serverlessapp.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The runtime's data folder: one runtime at a time on it, emptied first on {@code --fresh}. */
final class DataFolder {

    private DataFolder() {
    }

    static void prepare(Path dataDir, boolean fresh) {
        try {
            RuntimeState.read(dataDir);
            throw new IllegalStateException("The local runtime already runs on " + dataDir
                    + ": stop it (Ctrl-C) first, or start another with --data-dir=<folder> --random-ports");
        } catch (RuntimeState.NotRunningException e) {
            // the usual case
        }
        try {
            if (fresh && Files.isDirectory(dataDir)) {
                try (Stream<Path> files = Files.walk(dataDir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(dataDir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + dataDir, e);
        }
    }
}
