package dev.serverlessapp.deploy.upstream;

import static dev.serverlessapp.deploy.upstream.CrdSchemasTest.UPSTREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Each rule of Knative Serving's webhook refuses the mistake it exists for, and only that. */
class ServingRulesTest {

    private static final KnativeConfig OLDEST = KnativeConfig.defaults(UPSTREAM, UpstreamRelease.OLDEST);
    private static final KnativeConfig NEWEST = KnativeConfig.defaults(UPSTREAM, UpstreamRelease.NEWEST);

    // A function like the chart's, with {{placeholders}} the cases replace.
    private static final String SERVICE = """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: {name: api, labels: {networking.knative.dev/visibility: cluster-local}}
            spec:
              template:
                metadata:
                  annotations:
                    autoscaling.knative.dev/min-scale: "0"
                    autoscaling.knative.dev/max-scale: "10"
                    autoscaling.knative.dev/metric: concurrency
                    autoscaling.knative.dev/target: "50"
                spec:
                  serviceAccountName: api
                  enableServiceLinks: false
                  timeoutSeconds: 60
                  containerConcurrency: 0
                  containers:
                    - name: function
                      image: ghcr.io/serverless-app/api:0.1.0-SNAPSHOT
                      ports: [{name: http1, containerPort: 8080}]
                      env: [{name: A, value: "1"}]
                      readinessProbe: {httpGet: {path: /readyz, port: 8080}, periodSeconds: 5, failureThreshold: 6}
                      livenessProbe: {httpGet: {path: /livez, port: 8080}, periodSeconds: 10, failureThreshold: 6}
                      securityContext:
                        runAsNonRoot: true
                        allowPrivilegeEscalation: false
                        readOnlyRootFilesystem: true
                        capabilities: {drop: [ALL]}
                        seccompProfile: {type: RuntimeDefault}
                      volumeMounts: [{name: tmp, mountPath: /tmp}]
                  volumes: [{name: tmp, emptyDir: {sizeLimit: 64Mi}}]
            """;

    @ParameterizedTest
    @ValueSource(strings = {"1.17", "1.23"})
    void theChartsShapeOfServicePasses(String version) {
        assertThat(problems(SERVICE, version.equals("1.17") ? OLDEST : NEWEST, version.equals("1.17")
                ? UpstreamRelease.OLDEST : UpstreamRelease.NEWEST)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            env: [{name: A, value: "1"}] | env: [{name: PORT, value: "9000"}] | spec.template.spec.containers[0].env[0].name: "PORT" is a reserved environment variable
            containerPort: 8080 | containerPort: 9090 | spec.template.spec.containers[0].ports.containerPort: 9090 is a reserved port
            name: http1, containerPort | name: http, containerPort | Port name http is not allowed
            timeoutSeconds: 60 | timeoutSeconds: 900 | spec.template.spec.timeoutSeconds: expected 0 <= 900 <= 600 (max-revision-timeout-seconds in config-defaults)
            containerConcurrency: 0 | containerConcurrency: 5000 | spec.template.spec.containerConcurrency: expected 0 <= 5000 <= 1000
            enableServiceLinks: false | hostNetwork: true | spec.template.spec.hostNetwork: must not set the field(s) (Knative Serving feature kubernetes.podspec-hostnetwork is disabled)
            enableServiceLinks: false | nodeSelector: {disk: ssd} | spec.template.spec.nodeSelector: must not set the field(s) (Knative Serving feature kubernetes.podspec-nodeselector is disabled)
            enableServiceLinks: false | automountServiceAccountToken: true | spec.template.spec.automountServiceAccountToken: must not set the field(s) (not in Knative Serving's field mask)
            readOnlyRootFilesystem: true | readOnlyRootFilesystem: true\\n            privileged: true | spec.template.spec.containers[0].securityContext.privileged: must not set the field(s)
            capabilities: {drop: [ALL]} | capabilities: {drop: [ALL], add: [NET_ADMIN]} | spec.template.spec.containers[0].securityContext.capabilities.add: must not set the field(s) (Knative Serving feature kubernetes.containerspec-addcapabilities is disabled)
            mountPath: /tmp | mountPath: /dev | spec.template.spec.containers[0].volumeMounts[0].mountPath: mountPath "/dev" is a reserved path
            mountPath: /tmp | mountPath: tmp | spec.template.spec.containers[0].volumeMounts[0].mountPath: invalid value: tmp
            emptyDir: {sizeLimit: 64Mi} | hostPath: {path: /var} | spec.template.spec.volumes[0].hostPath: must not set the field(s) (Knative Serving feature kubernetes.podspec-volumes-hostpath is disabled)
            image: ghcr.io/serverless-app/api:0.1.0-SNAPSHOT | image: ghcr.io/Serverless-App/API:latest | spec.template.spec.containers[0].image: Failed to parse image reference
            port: 8080}, periodSeconds: 5 | port: metrics}, periodSeconds: 5 | spec.template.spec.containers[0].readinessProbe.httpGet.port: invalid value: metrics: Probe port must match container port
            failureThreshold: 6} | failureThreshold: 6, terminationGracePeriodSeconds: 5} | spec.template.spec.containers[0].readinessProbe.terminationGracePeriodSeconds: must not set the field(s)
            periodSeconds: 5, failureThreshold: 6} | periodSeconds: 0, failureThreshold: 6} | spec.template.spec.containers[0].readinessProbe.failureThreshold: failureThreshold is disallowed when periodSeconds is zero
            name: function | name: queue-proxy | spec.template.spec.containers[0].name: "queue-proxy" is a reserved container name
            serviceAccountName: api | serviceAccountName: API_Account | spec.template.spec.serviceAccountName: invalid value: API_Account
            name: api | name: 1api | metadata.name: not a DNS 1035 label
            cluster-local} | cluster-locale} | metadata.labels.networking.knative.dev/visibility: Knative reads only the value cluster-local
            min-scale: "0" | min-scale: "20" | spec.template.metadata.annotations.autoscaling.knative.dev/max-scale: max-scale=10 is less than min-scale=20
            min-scale: "0" | minscale: "1" | spec.template.metadata.annotations.autoscaling.knative.dev/minscale: not an annotation Knative's autoscaler reads: it would be ignored
            target: "50" | target: "0.001" | spec.template.metadata.annotations.autoscaling.knative.dev/target: target 0.001 should be at least 0.01
            metric: concurrency | metric: cpu | spec.template.metadata.annotations.autoscaling.knative.dev/metric: invalid value: cpu (class kpa.autoscaling.knative.dev)
            target: "50" | target: "50"\\n        autoscaling.knative.dev/window: 3s | spec.template.metadata.annotations.autoscaling.knative.dev/window: expected 6s <= 3s <= 1h
            target: "50" | target: "50"\\n        autoscaling.knative.dev/initial-scale: "0" | autoscaling.knative.dev/initial-scale: invalid value: 0=0 not allowed by cluster
            cluster-local} | cluster-local}, annotations: {autoscaling.knative.dev/min-scale: "1"} | metadata.annotations.autoscaling.knative.dev/min-scale: invalid key name: autoscaling annotations must be put under
            """)
    void eachMistakeIsRefusedWithItsPath(String from, String to, String expected) {
        String service = SERVICE.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to.replace("\\n", "\n")));
        assertThat(service).as("the case applies").isNotEqualTo(SERVICE);

        assertThat(problems(service, OLDEST, UpstreamRelease.OLDEST)).extracting(Problem::toString)
                .anySatisfy(p -> assertThat(p).startsWith("Service api: ").contains(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"kubernetes.podspec-volumes-emptydir: disabled", "kubernetes.podspec-nodeselector: enabled"})
    void featureFlagsDecideWhatTheMaskLetsThrough(String flag) {
        String[] keyValue = flag.split(": ");
        KnativeConfig changed = OLDEST.withServing(Map.of(keyValue[0], keyValue[1]));
        String service = SERVICE.replace("enableServiceLinks: false", "enableServiceLinks: false\n      nodeSelector: {disk: ssd}");

        List<Problem> problems = problems(service, changed, UpstreamRelease.OLDEST);
        if (keyValue[1].equals("disabled")) {
            assertThat(problems).extracting(Problem::path).contains("spec.template.spec.volumes[0].emptyDir", "spec.template.spec.nodeSelector");
        } else {
            assertThat(problems).isEmpty();
        }
    }

    private static List<Problem> problems(String yaml, KnativeConfig config, UpstreamRelease release) {
        JsonNode service = YAMLMapper.builder().build().readTree(yaml);
        return ServingRules.check("Service api", service, config, release);
    }
}
