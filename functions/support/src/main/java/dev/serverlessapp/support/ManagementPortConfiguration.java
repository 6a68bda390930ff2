package dev.serverlessapp.support;

import dev.serverlessapp.support.problem.ServerConnections;
import java.util.List;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.WebFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The management port ({@code MANAGEMENT_PORT}: health and Prometheus) meets strangers as the serving port
 * does. Spring Boot builds its server in a child context from a server factory of its own.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
public class ManagementPortConfiguration {

    /**
     * That factory takes no {@link NettyServerCustomizer} bean, only factory customizers: without this, its
     * refusals were bare statuses, and its kept-alive connections had neither the pipelining hold nor the
     * lingering close.
     */
    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> managementServerConnections(JsonMapper json) {
        return factory -> factory.addServerCustomizers(ServerConnections.customizer(json));
    }

    /**
     * Spring Boot 4.0.7's Prometheus endpoint fails (500, a NullPointerException for its output format) on an
     * {@code Accept} field that lists no media type ({@code Accept:} or {@code Accept: ,}). RFC 9110 (12.5.1)
     * lets a server disregard such a field, so it is dropped and the default format answers.
     */
    @Bean
    WebFilter emptyAcceptDisregarded() {
        return (exchange, chain) -> {
            List<String> accept = exchange.getRequest().getHeaders().get(HttpHeaders.ACCEPT);
            if (accept == null || accept.stream().anyMatch(value -> !value.replace(',', ' ').isBlank())) {
                return chain.filter(exchange);
            }
            return chain.filter(exchange.mutate()
                    .request(request -> request.headers(headers -> headers.remove(HttpHeaders.ACCEPT)))
                    .build());
        };
    }
}
