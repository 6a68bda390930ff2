package dev.serverlessapp.deploy.upstream;

/**
 * One thing Kubernetes or a Knative webhook would refuse (or silently drop): the object, the field
 * path inside it (e.g. {@code spec.template.spec.containers[0].env[3].name}) and why.
 */
public record Problem(String object, String path, String message) {

    @Override
    public String toString() {
        return object + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
