package dev.serverlessapp.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.deploy.ack.Table;
import io.fabric8.knative.serving.v1.Service;
import org.junit.jupiter.api.Test;

class StrictParsingTest {

    private static final String SERVICE = """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: user-api
            spec:
              template:
                spec:
                  %s
                  containers:
                    - image: example/user-api:1
            """;

    @Test
    void knownKindsBecomeTypedObjects() {
        Manifests manifests = Manifests.parse(SERVICE.formatted("timeoutSeconds: 30"));

        Service service = manifests.services().getFirst();
        assertThat(service.getSpec().getTemplate().getSpec().getTimeoutSeconds()).isEqualTo(30L);
    }

    @Test
    void misspelledFieldIsRefusedWithItsPath() {
        // fabric8 would quietly keep `timeoutSecond` aside; Knative would reject or ignore it.
        assertThatThrownBy(() -> Manifests.parse(SERVICE.formatted("timeoutSecond: 30")))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("Service user-api")
                .hasMessageContaining(".spec.template.spec.timeoutSecond");
    }

    @Test
    void unknownFieldDeepInsideAnEventingResourceIsRefused() {
        String trigger = """
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: t}
                spec:
                  broker: b
                  filters:
                    - exact: {type: x}
                      exactly: {type: y}
                  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: s}}
                """;
        assertThatThrownBy(() -> Manifests.parse(trigger)).isInstanceOf(ManifestException.class).hasMessageContaining("exactly");
    }

    @Test
    void unknownKindIsRefused() {
        assertThatThrownBy(() -> Manifests.parse("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("apps/v1 Deployment d");
    }

    @Test
    void ackKindsParseStrictlyToo() {
        String table = """
                apiVersion: dynamodb.services.k8s.aws/v1alpha1
                kind: Table
                metadata: {name: t}
                spec:
                  tableName: app
                  keySchema: [{attributeName: pk, keyType: HASH}]
                  %s
                """;
        assertThat(Manifests.parse(table.formatted("billingMode: PAY_PER_REQUEST")).ofType(Table.class).getFirst().getSpec().billingMode())
                .isEqualTo("PAY_PER_REQUEST");
        assertThatThrownBy(() -> Manifests.parse(table.formatted("billing: PAY_PER_REQUEST")))
                .isInstanceOf(ManifestException.class).hasMessageContaining("billing");
    }

    @Test
    void brokenYamlIsRefused() {
        assertThatThrownBy(() -> Manifests.parse("kind: [unclosed")).isInstanceOf(ManifestException.class);
    }
}
