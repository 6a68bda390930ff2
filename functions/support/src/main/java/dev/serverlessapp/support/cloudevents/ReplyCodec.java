package dev.serverlessapp.support.cloudevents;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import java.nio.charset.StandardCharsets;

/** Stores a reply event as structured JSON, so a redelivered event gets the same reply back. */
final class ReplyCodec {

    /** Stored for a handled event that had no reply. */
    static final String NO_REPLY = "";

    /** Ours, not whichever the class path registers first: stored replies must read back the same way. */
    private static final EventFormat FORMAT = new JsonEventFormat();

    private ReplyCodec() {
    }

    static String encode(CloudEvent event) {
        return new String(FORMAT.serialize(event), StandardCharsets.UTF_8);
    }

    static CloudEvent decode(String stored) {
        return stored.isEmpty() ? null : FORMAT.deserialize(stored.getBytes(StandardCharsets.UTF_8));
    }
}
