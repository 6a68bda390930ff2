package dev.serverlessapp.users.gateway;

import dev.serverlessapp.support.problem.ProblemExceptionHandler;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The duties of the seed's API gateway that live in the function: see {@link ApiSecurity} and the limiter. */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

    @Bean
    @ConditionalOnBooleanProperty(name = "users.rate-limit.enabled", matchIfMissing = true)
    RateLimitFilter rateLimitFilter(RateLimitProperties limits, ProblemExceptionHandler problems) {
        return new RateLimitFilter(limits, problems);
    }
}
