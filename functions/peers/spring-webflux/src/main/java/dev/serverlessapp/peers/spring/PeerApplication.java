package dev.serverlessapp.peers.spring;

import io.cloudevents.http.HttpMessageFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * What a user would write in Spring Boot with nothing else: WebFlux reads a CloudEvent (binary or
 * structured mode, through the SDK core) on {@code POST /} and answers 202, or 400 when it is not one.
 */
@SpringBootApplication
public class PeerApplication {

    public static void main(String[] args) {
        SpringApplication.run(PeerApplication.class, args);
    }

    @Bean
    RouterFunction<ServerResponse> events() {
        return RouterFunctions.route().POST("/", this::handle).build();
    }

    private Mono<ServerResponse> handle(ServerRequest request) {
        HttpHeaders headers = request.headers().asHttpHeaders();
        return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap(body -> {
            try {
                HttpMessageFactory.createReader(consumer -> headers.forEach((name, values) ->
                        values.forEach(value -> consumer.accept(name, value))), body).toEvent();
            } catch (RuntimeException notAnEvent) {
                return ServerResponse.badRequest().build();
            }
            return ServerResponse.accepted().build();
        });
    }
}
