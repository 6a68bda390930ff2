package dev.serverlessapp.local.aws;

/** A fixed port is in use; the message says which flag picks another. */
public final class PortTakenException extends IllegalStateException {

    public PortTakenException(int port, String what, String flag) {
        super("Port " + port + " (" + what + ") is already in use: stop what listens there, or start with "
                + flag + "=<another port> (or --random-ports)");
    }

    /**
     * Checks a fixed port before a server takes it, for a message that names the flag. 0 passes as 0: the
     * server binds a free port itself, as no number picked here in advance is sure to stay free.
     */
    public static int check(int port, String what, String flag) {
        if (port != 0 && dev.serverlessapp.backends.Ports.isListening(port)) {
            throw new PortTakenException(port, what, flag);
        }
        return port;
    }
}
