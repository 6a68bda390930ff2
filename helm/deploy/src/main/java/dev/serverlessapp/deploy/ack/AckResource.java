package dev.serverlessapp.deploy.ack;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.List;
import java.util.Map;

/**
 * An AWS Controllers for Kubernetes resource. fabric8 has no model for ACK, so each kind the chart
 * writes has a small class here holding the spec fields the chart uses, named as in the ACK CRDs;
 * any other field fails parsing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class AckResource<S> extends CustomResource<S, AckResource.Status> implements Namespaced {

    /** What the ACK controller reports back (never rendered by the chart). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(Map<String, Object> ackResourceMetadata, List<Map<String, Object>> conditions) {
    }

    @Override
    protected S initSpec() {
        return null;
    }

    @Override
    protected Status initStatus() {
        return null;
    }
}
