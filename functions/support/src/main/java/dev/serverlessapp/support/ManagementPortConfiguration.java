package dev.serverlessapp.support;

import dev.serverlessapp.support.problem.ConnectionTimeouts;
import dev.serverlessapp.support.problem.ServerConnections;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
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
     * lingering close, nor any bound on waiting for a request.
     */
    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> managementServerConnections(JsonMapper json,
            ConnectionTimeouts timeouts) {
        return factory -> factory.addServerCustomizers(ServerConnections.customizer(json, timeouts));
    }
}
