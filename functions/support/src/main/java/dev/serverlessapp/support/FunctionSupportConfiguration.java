package dev.serverlessapp.support;

import dev.serverlessapp.support.aws.AwsClientsConfiguration;
import dev.serverlessapp.support.claim.Claims;
import dev.serverlessapp.support.deadline.RequestDeadline;
import dev.serverlessapp.support.idempotency.IdempotencyProperties;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.problem.AnsweredByNetty;
import dev.serverlessapp.support.problem.BlankAcceptElements;
import dev.serverlessapp.support.problem.ConnectionTimeouts;
import dev.serverlessapp.support.problem.ProblemExceptionHandler;
import dev.serverlessapp.support.problem.ServerConnections;
import dev.serverlessapp.support.table.TableProperties;
import dev.serverlessapp.support.table.TableProvisioner;
import java.time.Clock;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.server.WebFilter;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every function gets: the clock, claims and idempotency on the app table, the request deadline,
 * and problem-detail errors (Netty's included).
 */
@AutoConfiguration(after = AwsClientsConfiguration.class)
@EnableConfigurationProperties({TableProperties.class, IdempotencyProperties.class, RequestDeadline.class,
        ConnectionTimeouts.class})
public class FunctionSupportConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    IdempotencyStore idempotencyStore(DynamoDbAsyncClient dynamo, TableProperties table,
            IdempotencyProperties idempotency, Clock clock) {
        return new IdempotencyStore(dynamo, table.name(), idempotency.lease(), clock);
    }

    /** The one claim mechanism, for what a function does once per business key. */
    @Bean
    Claims claims(DynamoDbAsyncClient dynamo, TableProperties table, Clock clock) {
        return new Claims(dynamo, table.name(), clock);
    }

    /** Every route finds the request deadline in the Reactor context (see {@link RequestDeadline#boundByCurrent}). */
    @Bean
    WebFilter requestDeadlineContext(RequestDeadline deadline) {
        return (exchange, chain) -> chain.filter(exchange).contextWrite(context -> context.put(RequestDeadline.class, deadline));
    }

    /** On both ports: a WebFilter bean of this context also runs in the management port's child context. */
    @Bean
    WebFilter blankAcceptElements() {
        return new BlankAcceptElements();
    }

    /** On both ports, like the filter above. */
    @Bean
    WebFilter answeredByNetty() {
        return new AnsweredByNetty();
    }

    @Bean
    ProblemExceptionHandler problemExceptionHandler(JsonMapper json) {
        return new ProblemExceptionHandler(json);
    }

    /** The serving port's connections; {@link ManagementPortConfiguration} gives the management port the same. */
    @Bean
    NettyServerCustomizer serverConnections(JsonMapper json, ConnectionTimeouts timeouts) {
        return ServerConnections.customizer(json, timeouts);
    }

    /** Local runs and tests create the table before the app takes traffic. */
    @Bean
    @ConditionalOnProperty(name = "app.table.create-if-missing", havingValue = "true")
    SmartInitializingSingleton appTableProvisioner(DynamoDbAsyncClient dynamo, TableProperties table) {
        return () -> TableProvisioner.ensureTable(dynamo, table.name(), table.createTimeout()).join();
    }
}
