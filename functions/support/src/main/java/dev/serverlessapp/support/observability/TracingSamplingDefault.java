package dev.serverlessapp.support.observability;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * The one default for the share of traces recorded: all of them when they can leave the pod (an OTLP
 * endpoint is set and export is on), none otherwise. Recording spans that nobody can receive cost user-api
 * a third of its warmed throughput (BENCHMARKS.md run M4). Unsampled, a request still gets a trace id for
 * its log lines and its {@code traceparent} (with the sampled flag off). {@code TRACING_SAMPLING_PROBABILITY}
 * wins when set, and so does Spring's own {@code management.tracing.sampling.probability}: this source
 * comes last.
 */
public class TracingSamplingDefault implements EnvironmentPostProcessor {

    static final String PROBABILITY = "management.tracing.sampling.probability";
    static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";
    static final String EXPORT = "management.tracing.export.enabled";
    static final String VARIABLE = "TRACING_SAMPLING_PROBABILITY";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        boolean canLeave = StringUtils.hasText(environment.getProperty(ENDPOINT))
                && environment.getProperty(EXPORT, Boolean.class, true);
        String probability = environment.getProperty(VARIABLE, canLeave ? "1.0" : "0");
        environment.getPropertySources().addLast(
                new MapPropertySource("tracingSamplingDefault", Map.of(PROBABILITY, probability)));
    }
}
