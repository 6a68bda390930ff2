package dev.serverlessapp.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.support.aws.AwsProperties;
import dev.serverlessapp.support.cloudevents.EchoFunctionApp;
import dev.serverlessapp.support.deadline.RequestDeadline;
import dev.serverlessapp.support.idempotency.IdempotencyProperties;
import dev.serverlessapp.support.problem.ConnectionTimeouts;
import dev.serverlessapp.support.table.TableProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The shared settings' properties records carry no defaults: function-defaults.yaml does, next to each
 * variable. A function (here the test's, which imports it as every function's application.yaml does)
 * gets every setting bound, none left unset.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class FunctionDefaultsTest {

    @Autowired
    AwsProperties aws;

    @Autowired
    TableProperties table;

    @Autowired
    IdempotencyProperties idempotency;

    @Autowired
    RequestDeadline deadline;

    @Autowired
    ConnectionTimeouts connections;

    @Test
    void everySharedSettingIsBoundFromFunctionDefaults() {
        assertThat(aws.region()).isNotBlank();
        assertThat(aws.apiCallTimeout()).isPositive();
        assertThat(aws.endpoints()).isNotNull();
        assertThat(table.name()).isNotBlank();
        assertThat(table.createTimeout()).isPositive();
        assertThat(idempotency.lease()).isPositive();
        assertThat(idempotency.keepFor()).isGreaterThan(idempotency.lease());
        assertThat(deadline.deadline()).isPositive();
        assertThat(deadline.bodyTimeout()).isPositive();
        assertThat(connections.headTimeout()).isPositive();
        // Knative's queue-proxy keeps an idle connection to the function 90 s (Go's default transport).
        assertThat(connections.idleTimeout()).isGreaterThan(Duration.ofSeconds(90));
    }
}
