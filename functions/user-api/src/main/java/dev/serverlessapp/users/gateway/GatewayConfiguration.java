package dev.serverlessapp.users.gateway;

import dev.serverlessapp.support.problem.ProblemExceptionHandler;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;

/** The duties of the seed's API gateway that live in the function: {@link ApiSecurity}, the limiters, the firewall. */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

    @Bean
    @ConditionalOnBooleanProperty(name = "users.rate-limit.enabled", matchIfMissing = true)
    RateLimitFilter addressRateLimit(RateLimitProperties limits, ProblemExceptionHandler problems) {
        return RateLimitFilter.byAddress(limits, problems);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "users.rate-limit.enabled", matchIfMissing = true)
    RateLimitFilter subjectRateLimit(RateLimitProperties limits, ProblemExceptionHandler problems) {
        return RateLimitFilter.bySubject(limits, problems);
    }

    /**
     * No observation of Spring Security's own steps (a timer and a span for each filter-chain phase and
     * each authorization): the request's observation already times and traces the whole request, and
     * these cost user-api about a tenth of its CPU per sign-up (BENCHMARKS.md run O).
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** Spring Security's firewall refusals as problem details (its own answer is a bare 400). */
    @Bean
    FirewallRefusals firewallRefusals(ProblemExceptionHandler problems) {
        return new FirewallRefusals(problems);
    }
}
