package dev.serverlessapp.support.problem;

import java.nio.charset.StandardCharsets;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Errors that never reach a route (unknown path, wrong method, a body the codec refuses) also answer
 * with a problem detail, instead of Boot's default error JSON.
 */
@Order(-2)
public class ProblemExceptionHandler implements WebExceptionHandler {

    private final JsonMapper json;

    public ProblemExceptionHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        ProblemDetail problem = Problems.of(error);
        var response = exchange.getResponse();
        response.setRawStatusCode(problem.getStatus());
        response.getHeaders().addAll(Problems.headersOf(error, problem));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = json.writeValueAsString(Problems.asMap(problem)).getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
