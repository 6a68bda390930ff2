package dev.serverlessapp.support.startup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

/**
 * Where a function's start-up time goes, by component, for the benchmark (BENCHMARKS.md) and for anyone
 * asking why a function wakes slowly. Off unless the JVM is started with
 * {@code -Dapp.startup-report=<file>}: then Spring's start-up steps are recorded
 * ({@link BufferingApplicationStartup}) and, once the app is ready, each step's own time (its duration
 * less its sub-steps') is added to the component it belongs to, written to that file as
 * {@code component<TAB>milliseconds} lines and logged.
 */
public class StartupReport implements SpringApplicationRunListener {

    public static final String PROPERTY = "app.startup-report";

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    /** Components, by the package of the class that declares a bean; the first prefix that matches wins. */
    private static final Map<String, String> COMPONENTS = components();

    private final Path file;
    private final BufferingApplicationStartup steps;
    private Instant started;

    public StartupReport(SpringApplication application, String[] args) {
        String target = System.getProperty(PROPERTY);
        this.file = target == null || target.isBlank() ? null : Path.of(target);
        this.steps = file == null ? null : new BufferingApplicationStartup(50_000);
        if (steps != null) {
            application.setApplicationStartup(steps);
        }
    }

    @Override
    public void starting(ConfigurableBootstrapContext bootstrapContext) {
        started = Instant.now();
    }

    @Override
    public void ready(ConfigurableApplicationContext context, Duration timeTaken) {
        if (steps == null) {
            return;
        }
        Map<String, Double> millis = new LinkedHashMap<>();
        Instant processStart = ProcessHandle.current().info().startInstant().orElse(started);
        millis.put("jvm until main", (double) Duration.between(processStart, started).toMillis());
        millis.putAll(byComponent(steps.getBufferedTimeline().getEvents(), context.getBeanFactory()));
        millis.put("spring total", timeTaken.toNanos() / 1e6);
        StringBuilder lines = new StringBuilder();
        millis.forEach((component, ms) -> lines.append(component).append('\t').append(Math.round(ms)).append('\n'));
        try {
            Files.writeString(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the start-up report to " + file, e);
        }
        log.info("Start-up by component (ms): {}", millis);
    }

    static Map<String, Double> byComponent(List<TimelineEvent> events, ConfigurableListableBeanFactory beans) {
        Map<Long, TimelineEvent> byId = new HashMap<>();
        Map<Long, Double> children = new HashMap<>();
        for (TimelineEvent event : events) {
            byId.put(event.getStartupStep().getId(), event);
        }
        for (TimelineEvent event : events) {
            Long parent = event.getStartupStep().getParentId();
            if (parent != null) {
                children.merge(parent, millis(event), Double::sum);
            }
        }
        Map<String, Double> totals = new LinkedHashMap<>();
        for (TimelineEvent event : events) {
            StartupStep step = event.getStartupStep();
            if (insideChildContext(step, byId)) {
                continue;
            }
            String component;
            double own;
            if (isChildContext(step, byId)) {
                // The management server's own context: all of it, sub-steps included.
                component = "management server (child context)";
                own = millis(event);
            } else {
                component = component(step, beans);
                own = millis(event) - children.getOrDefault(step.getId(), 0.0);
            }
            totals.merge(component, Math.max(own, 0), Double::sum);
        }
        return sorted(totals);
    }

    private static String component(StartupStep step, ConfigurableListableBeanFactory beans) {
        String bean = tag(step, "beanName");
        if (bean == null) {
            return "spring: " + step.getName();
        }
        String declaredBy = declaringClass(bean, beans);
        for (var entry : COMPONENTS.entrySet()) {
            if (declaredBy.startsWith(entry.getKey())) {
                return entry.getValue();
            }
        }
        return "other beans";
    }

    /** The configuration class of a {@code @Bean} method, else the bean's own class. */
    private static String declaringClass(String bean, ConfigurableListableBeanFactory beans) {
        try {
            BeanDefinition definition = beans.getMergedBeanDefinition(bean);
            if (definition.getFactoryBeanName() != null) {
                Class<?> factory = beans.getType(definition.getFactoryBeanName(), false);
                if (factory != null) {
                    return factory.getName();
                }
            }
            Class<?> type = beans.getType(bean, false);
            return type != null ? type.getName() : String.valueOf(definition.getBeanClassName());
        } catch (RuntimeException notInThisContext) {
            // A bean of the management context, or an inner bean: its name may be its class.
            return bean;
        }
    }

    private static boolean isChildContext(StartupStep step, Map<Long, TimelineEvent> byId) {
        return step.getName().equals("spring.context.refresh") && hasAncestor(step, byId, "spring.context.refresh");
    }

    private static boolean insideChildContext(StartupStep step, Map<Long, TimelineEvent> byId) {
        for (Long id = step.getParentId(); id != null && byId.containsKey(id); ) {
            StartupStep parent = byId.get(id).getStartupStep();
            if (isChildContext(parent, byId)) {
                return true;
            }
            id = parent.getParentId();
        }
        return false;
    }

    private static boolean hasAncestor(StartupStep step, Map<Long, TimelineEvent> byId, String name) {
        for (Long id = step.getParentId(); id != null && byId.containsKey(id); ) {
            StartupStep parent = byId.get(id).getStartupStep();
            if (parent.getName().equals(name)) {
                return true;
            }
            id = parent.getParentId();
        }
        return false;
    }

    private static String tag(StartupStep step, String key) {
        for (StartupStep.Tag tag : step.getTags()) {
            if (tag.getKey().equals(key)) {
                return tag.getValue();
            }
        }
        return null;
    }

    private static double millis(TimelineEvent event) {
        return event.getDuration().toNanos() / 1e6;
    }

    private static Map<String, Double> sorted(Map<String, Double> totals) {
        List<Map.Entry<String, Double>> entries = new ArrayList<>(totals.entrySet());
        entries.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        Map<String, Double> result = new LinkedHashMap<>();
        entries.forEach(entry -> result.put(entry.getKey(), entry.getValue()));
        return result;
    }

    private static Map<String, String> components() {
        Map<String, String> components = new LinkedHashMap<>();
        components.put("dev.serverlessapp.support.aws", "AWS SDK clients");
        components.put("software.amazon.awssdk", "AWS SDK clients");
        components.put("dev.serverlessapp.support.observability", "observability (metrics, tracing)");
        components.put("org.springframework.boot.micrometer", "observability (metrics, tracing)");
        components.put("org.springframework.boot.opentelemetry", "observability (metrics, tracing)");
        components.put("io.micrometer", "observability (metrics, tracing)");
        components.put("io.opentelemetry", "observability (metrics, tracing)");
        components.put("io.prometheus", "observability (metrics, tracing)");
        components.put("dev.serverlessapp.users.gateway", "security (tokens, rate limits)");
        components.put("org.springframework.security", "security (tokens, rate limits)");
        components.put("org.springframework.boot.security", "security (tokens, rate limits)");
        components.put("org.springframework.boot.actuate", "actuator (health, endpoints)");
        components.put("org.springframework.boot.health", "actuator (health, endpoints)");
        components.put("org.springframework.boot.jackson", "Jackson");
        components.put("tools.jackson", "Jackson");
        components.put("org.springframework.boot.webflux", "web (WebFlux, Reactor Netty)");
        components.put("org.springframework.boot.reactor", "web (WebFlux, Reactor Netty)");
        components.put("org.springframework.boot.http", "web (WebFlux, Reactor Netty)");
        components.put("org.springframework.boot.web", "web (WebFlux, Reactor Netty)");
        components.put("org.springframework.web", "web (WebFlux, Reactor Netty)");
        components.put("org.springframework.http", "web (WebFlux, Reactor Netty)");
        components.put("dev.serverlessapp.support", "function-support (claims, idempotency, problems)");
        components.put("dev.serverlessapp", "the function's own beans");
        return components;
    }
}
