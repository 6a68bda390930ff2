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

    static final Path UPSTREAM = Path.of(System.getProperty("upstream.dir", "../upstream"));
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

    private static final String WIDGET_CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              names: {kind: Widget, plural: widgets}
              scope: Namespaced
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          required: [size]
                          properties:
                            size: {type: integer, minimum: 1, maximum: 10, default: 3}
                            color: {type: string, enum: [red, blue], nullable: true}
                            owner: {type: string}
                            template:
                              type: object
                              x-kubernetes-embedded-resource: true
                              x-kubernetes-preserve-unknown-fields: true
                            extra:
                              type: object
                              x-kubernetes-preserve-unknown-fields: true
                              properties:
                                known: {type: boolean}
                            tags:
                              type: array
                              x-kubernetes-list-type: set
                              items: {type: string}
                      %s
            """;

    @Test
    void structuralSchemaRulesBeyondTheVendoredCrds(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        Path crd = java.nio.file.Files.writeString(dir.resolve("crd-widgets.yaml"), WIDGET_CRD.formatted(""));
        CrdSchemas widgets = CrdSchemas.load(List.of(crd));
        String widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: %s\n";

        // size is required but defaulted; a null color is kept (nullable), a null owner is dropped (not nullable)
        assertThat(widgets.validate("Widget w", YAML.readTree(widget.formatted("{color: null, owner: null}")))).isEmpty();
        assertThat(widgets.validate("Widget w", YAML.readTree(widget.formatted("{size: 11, color: green}"))))
                .extracting(Problem::toString).containsExactlyInAnyOrder(
                        "Widget w: spec.size: maximum: must have a maximum value of 10",
                        "Widget w: spec.color: enum: does not have a value in the enumeration [\"red\", \"blue\", null]");
        // preserve-unknown-fields keeps what it does not declare, and still checks what it does
        assertThat(widgets.validate("Widget w", YAML.readTree(widget.formatted("{extra: {anything: 1, known: yes-ish}}"))))
                .extracting(Problem::toString).containsExactly("Widget w: spec.extra.known: string found, boolean expected");
        // an embedded resource needs apiVersion and kind; a set has unique items
        assertThat(widgets.validate("Widget w", YAML.readTree(widget.formatted("{template: {metadata: {}}, tags: [a, a]}"))))
                .extracting(Problem::path).containsExactlyInAnyOrder("spec.template.apiVersion", "spec.template.kind", "spec.tags");
    }

    @Test
    void aCelRuleThatIsNotATransitionRuleIsNotLetThroughUnchecked(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        Path transition = java.nio.file.Files.writeString(dir.resolve("crd-a.yaml"), WIDGET_CRD.formatted(
                "x-kubernetes-validations: [{rule: self == oldSelf, message: immutable}]"));
        Path rule = java.nio.file.Files.writeString(dir.resolve("crd-b.yaml"), WIDGET_CRD.formatted(
                "x-kubernetes-validations: [{rule: self.spec.size > 2}]"));

        assertThat(CrdSchemas.load(List.of(transition)).covers("example.com/v1", "Widget")).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrdSchemas.load(List.of(rule)))
                .hasMessageContaining("is not a transition rule").hasMessageContaining("self.spec.size > 2");
    }

    private static List<Problem> problems(String yaml) {
        JsonNode resource = YAML.readTree(yaml);
        return NEWEST.validate(resource.path("kind").asString() + " " + resource.path("metadata").path("name").asString(), resource);
    }
}
