package dev.serverlessapp.deploy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The structural-schema reading: what a kube-apiserver with strict field validation refuses. */
class CrdSchemasTest {

    static final Path UPSTREAM = Path.of(System.getProperty("upstream.dir", "upstream"));
    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final CrdSchemas NEWEST = CrdSchemas.load(UpstreamRelease.NEWEST.crdFiles(UPSTREAM));

    private static final String SERVICE = """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: {name: api, namespace: ns, labels: {a: b}}
            spec:
              template:
                spec:
                  timeoutSeconds: 30
                  containers:
                    - image: example/api:1
                      ports: [{containerPort: 8080, name: http1}]
                      readinessProbe: {httpGet: {path: /readyz, port: %s}}
                      env: [{name: A, value: "1"}%s]
            """;

    @Test
    void wellFormedServicePasses() {
        assertThat(problems(SERVICE.formatted("8080", ""))).isEmpty();
    }

    @Test
    void undeclaredFieldIsRefusedWithItsPath() {
        assertThat(problems(SERVICE.formatted("8080", ", {name: B, valu: x}"))).singleElement().hasToString(
                "Service api: spec.template.spec.containers[0].env[1].valu: field not declared in the schema (strict field validation refuses it)");
    }

    @Test
    void intOrStringTakesEitherButNothingElse() {
        assertThat(problems(SERVICE.formatted("http1", ""))).isEmpty();
        assertThat(problems(SERVICE.formatted("[8080]", ""))).singleElement().hasToString(
                "Service api: spec.template.spec.containers[0].readinessProbe.httpGet.port: array found, integer or string expected");
    }

    @Test
    void wrongTypeAndMissingRequiredFieldAreRefused() {
        assertThat(problems(SERVICE.formatted("8080", "").replace("timeoutSeconds: 30", "timeoutSeconds: thirty")))
                .singleElement().hasToString("Service api: spec.template.spec.timeoutSeconds: string found, integer expected");
        assertThat(problems(SERVICE.formatted("8080", ", {value: nameless}"))).singleElement()
                .hasToString("Service api: spec.template.spec.containers[0].env[1].name: Required value");
    }

    @Test
    void listMapKeysMustBeUnique() {
        // env is x-kubernetes-list-type: map, keyed by name, in Serving 1.23's schema.
        assertThat(problems(SERVICE.formatted("8080", ", {name: A, value: \"2\"}"))).singleElement().asString()
                .startsWith("Service api: spec.template.spec.containers[0].env[1]: Duplicate value: [\"A\"]");
    }

    @Test
    void preservedFieldsAreKeptAndUnknownKindsAreReported() {
        String trigger = """
                apiVersion: eventing.knative.dev/v1
                kind: Trigger
                metadata: {name: t}
                spec:
                  broker: b
                  filters: [{exact: {type: x, anything: y}}]
                  subscriber: {ref: {apiVersion: v1, kind: Service, name: s}}
                """;
        assertThat(problems(trigger)).isEmpty();
        assertThat(problems("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n")).singleElement().asString()
                .contains("no CRD for apps/v1 Deployment");
    }

    private static List<Problem> problems(String yaml) {
        JsonNode resource = YAML.readTree(yaml);
        return NEWEST.validate(resource.path("kind").asString() + " " + resource.path("metadata").path("name").asString(), resource);
    }
}
