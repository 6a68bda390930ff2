package dev.serverlessapp.local.aws;

import dev.serverlessapp.backends.Ports;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a server on its fixed port, or on a free one. A free port is free only when it is picked: until
 * the server binds it, any other process may take it (a server that cannot bind port 0 itself, such as
 * dynalite, must be given a number). So a start that fails because its port was taken meanwhile is tried
 * again on a fresh port, a few times; any other failure is not.
 */
final class ServerPorts {

    private static final Logger log = LoggerFactory.getLogger(ServerPorts.class);
    static final int ATTEMPTS = 5;

    private final IntSupplier freePorts;
    /** Ports handed out already: servers starting side by side never get the same one. */
    private final java.util.Set<Integer> handedOut = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ServerPorts(IntSupplier freePorts) {
        this.freePorts = freePorts;
    }

    /** The started server: on {@code port}, or (0) on a free port; {@code start} gets the port to bind. */
    <T> T start(int port, String what, String flag, IntFunction<T> start) {
        if (port != 0) {
            return start.apply(PortTakenException.check(port, what, flag));
        }
        RuntimeException lost = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int free = freePorts.getAsInt();
            if (!handedOut.add(free)) {
                continue;
            }
            if (Ports.isListening(free)) {
                // Taken already: a child would see that listener and think itself started.
                lost = new PortTakenException(free, what, flag);
                continue;
            }
            try {
                return start.apply(free);
            } catch (RuntimeException e) {
                // GreenMail reports a lost port only as a start-up timeout: then the port tells.
                if (!portTaken(e) && bindable(free)) {
                    throw e;
                }
                lost = e;
                log.info("{}: port {} was taken before it could bind it; trying a fresh one", what, free);
            }
        }
        throw new IllegalStateException(what + " could not bind a free port in " + ATTEMPTS + " tries", lost);
    }

    /** Whether a server could bind the port now. */
    static boolean bindable(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The failure was that the port was in use (Java's, Node's, Netty's and Pekko's words for it). */
    static boolean portTaken(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (e instanceof java.net.BindException || message.contains("address already in use")
                    || message.contains("eaddrinuse") || message.contains("failed to bind") || message.contains("bind failed")) {
                return true;
            }
        }
        return false;
    }
}
