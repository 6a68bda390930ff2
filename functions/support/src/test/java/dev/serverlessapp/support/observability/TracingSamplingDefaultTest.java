package dev.serverlessapp.support.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 15: recording every request's spans when no endpoint can receive them cost user-api a third of
 * its warmed throughput (BENCHMARKS.md run M4). The effective sampling, as the functions start.
 */
class TracingSamplingDefaultTest {

    static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

    @Test
    void nothingIsRecordedWhenNoEndpointCanReceiveIt() {
        assertThat(sampling(Map.of())).isEqualTo("0");
    }

    @Test
    void everyTraceIsRecordedWhenAnEndpointIsSet() {
        assertThat(sampling(Map.of(ENDPOINT, "http://collector:4318/v1/traces"))).isEqualTo("1.0");
    }

    @Test
    void nothingIsRecordedWhenExportIsOff() {
        assertThat(sampling(Map.of(ENDPOINT, "http://collector:4318/v1/traces", "TRACING_ENABLED", "false")))
                .isEqualTo("0");
    }

    @Test
    void theVariableWinsEitherWay() {
        assertThat(sampling(Map.of("TRACING_SAMPLING_PROBABILITY", "0.25"))).isEqualTo("0.25");
        assertThat(sampling(Map.of(ENDPOINT, "http://collector:4318/v1/traces", "TRACING_SAMPLING_PROBABILITY", "0")))
                .isEqualTo("0");
    }

    @Test
    void springsOwnPropertyWinsToo() {
        assertThat(sampling(Map.of("management.tracing.sampling.probability", "0.5"))).isEqualTo("0.5");
    }

    /** The property as a function sees it: its defaults imported, then the given properties over them. */
    static String sampling(Map<String, Object> properties) {
        SpringApplication app = new SpringApplication(Empty.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setDefaultProperties(Map.of("spring.config.import", "classpath:function-defaults.yaml"));
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        try (ConfigurableApplicationContext context = app.run(args)) {
            return context.getEnvironment().getProperty("management.tracing.sampling.probability");
        }
    }

    static class Empty {
    }
}
