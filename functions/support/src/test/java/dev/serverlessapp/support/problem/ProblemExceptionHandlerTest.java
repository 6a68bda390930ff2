package dev.serverlessapp.support.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.support.deadline.DeadlineExceededException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.MethodNotAllowedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import tools.jackson.databind.json.JsonMapper;

/**
 * An error that fails before any route (in a web filter, say) is answered by the exception handler, and
 * gets the same headers a route's error would: every 503 says when to come back.
 */
class ProblemExceptionHandlerTest {

    private final ProblemExceptionHandler handler = new ProblemExceptionHandler(JsonMapper.builder().build());

    @Test
    void aBackendThatCannotBeReachedGets503WithRetryAfter() {
        MockServerWebExchange exchange = handle(SdkClientException.create("connection refused"));
        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(503);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER))
                .isEqualTo(RetryLater.seconds(RetryLater.BACKEND_DOWN));
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aMissedDeadlineSaysItsOwnRetryAfter() {
        DeadlineExceededException late = new DeadlineExceededException(Duration.ofSeconds(10));
        MockServerWebExchange exchange = handle(late);
        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(503);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER))
                .isEqualTo(RetryLater.seconds(late.retryAfter()));
    }

    @Test
    void a405KeepsItsAllowHeaderAndHasNoRetryAfter() {
        MockServerWebExchange exchange = handle(new MethodNotAllowedException(HttpMethod.DELETE, Set.of(HttpMethod.GET)));
        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(405);
        assertThat(exchange.getResponse().getHeaders().getAllow()).containsExactly(HttpMethod.GET);
        assertThat(exchange.getResponse().getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
    }

    private MockServerWebExchange handle(Throwable error) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/users"));
        handler.handle(exchange, error).block(Duration.ofSeconds(5));
        return exchange;
    }
}
