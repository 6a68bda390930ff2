package dev.serverlessapp.local.sources;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The objects a bucket's notifications have announced (key → fingerprint), kept in the data folder: a
 * restart then announces what came after the last listing before the stop, as S3 never forgets an upload,
 * and announces nothing twice. Written whole to a partial file and moved into place, so a crash leaves the
 * list before or after, never half of one. A list lost that way at most announces a version again, which
 * file-processor recognises.
 */
final class NotifiedObjects {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    NotifiedObjects(Path file) {
        this.file = file;
    }

    /** What was announced up to the last stop; empty when nothing was kept (a data folder's first start). */
    Optional<Map<String, String>> load() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, String>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the announced objects in " + file, e);
        }
    }

    /** Keeps the list (blocking file IO: call it off the event loop). */
    void save(Map<String, String> notified) {
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            JSON.writeValue(partial.toFile(), new TreeMap<>(notified));
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not keep the announced objects in " + file, e);
        }
    }
}
