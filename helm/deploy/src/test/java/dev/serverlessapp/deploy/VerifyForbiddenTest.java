package dev.serverlessapp.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An API server that refuses to answer is reported per resource, not as a crash. */
@EnableKubernetesMockClient
class VerifyForbiddenTest {

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void resourceTheApiServerRefusesIsReportedAsUnreadable() throws InterruptedException {
        server.expect().get().withPath("/apis/serving.knative.dev/v1/namespaces/serverless-app/services/user-api")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("services.serving.knative.dev \"user-api\" is forbidden").build())
                .always();

        Verify.Report report = new Verify(client, "serverless-app")
                .waitForReady(ChartFixtures.render(Map.of()), Duration.ZERO, Duration.ofMillis(10));

        assertThat(report.allReady()).isFalse();
        assertThat(report.notReady()).filteredOn(s -> s.name().equals("user-api") && s.kind().equals("Service"))
                .singleElement().satisfies(status -> {
                    assertThat(status.reason()).isEqualTo("Unreadable");
                    assertThat(status.message()).contains("forbidden");
                });
        assertThat(report.notReady()).filteredOn(s -> s.reason().equals("NotFound")).hasSize(report.statuses().size() - 1);
    }
}
