package dev.serverlessapp.deploy;

/** The chart did not render, or rendered something that is not what Kubernetes would accept. */
public class ManifestException extends RuntimeException {

    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
