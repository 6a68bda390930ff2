package dev.serverlessapp.scheduled;

import dev.serverlessapp.support.cloudevents.CloudEventRoutes;
import dev.serverlessapp.support.idempotency.IdempotencyProperties;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

@SpringBootApplication(proxyBeanMethods = false)
@ConfigurationPropertiesScan
public class ScheduledTasksApplication {

    public static void main(String[] args) {
        SpringApplication.run(ScheduledTasksApplication.class, args);
    }

    /** The hourly PingSource delivers to {@code POST /}; a redelivered ping is answered from its record. */
    @Bean
    RouterFunction<ServerResponse> pingRoute(HourlyJob job, IdempotencyStore idempotency,
            IdempotencyProperties properties) {
        return CloudEventRoutes.route(job, idempotency, properties.keepFor());
    }
}
