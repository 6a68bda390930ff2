package dev.serverlessapp.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.springframework.context.ApplicationContext;

/**
 * The configuration classes Spring had to subclass with CGLIB at start-up ({@code @Configuration} or
 * {@code @SpringBootApplication} with bean methods and the default {@code proxyBeanMethods = true}).
 * A function pays for each at every cold start (BENCHMARKS.md, "config-classes.enhance"), and none of
 * ours calls one bean method from another, so none needs it.
 */
public final class ConfigurationProxies {

    /** What Spring puts in the name of a class it generated (a lambda's name has "$$" too). */
    private static final String CGLIB_SUBCLASS = "$$SpringCGLIB$$";

    private ConfigurationProxies() {
    }

    /** The names of the beans whose class is a CGLIB subclass, with that class. */
    public static List<String> in(ApplicationContext context) {
        return Arrays.stream(context.getBeanDefinitionNames())
                .map(name -> {
                    Class<?> type = context.getType(name, false);
                    return type != null && type.getName().contains(CGLIB_SUBCLASS)
                            ? name + " (" + type.getName() + ")" : null;
                })
                .filter(Objects::nonNull)
                .toList();
    }
}
