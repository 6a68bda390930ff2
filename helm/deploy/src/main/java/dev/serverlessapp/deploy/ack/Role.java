package dev.serverlessapp.deploy.ack;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/** ACK {@code iam.services.k8s.aws/v1alpha1 Role}; policy documents are JSON strings. */
@Group("iam.services.k8s.aws")
@Version("v1alpha1")
@Kind("Role")
public class Role extends AckResource<Role.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(
            String name,
            String description,
            String assumeRolePolicyDocument,
            Map<String, String> inlinePolicies) {
    }
}
