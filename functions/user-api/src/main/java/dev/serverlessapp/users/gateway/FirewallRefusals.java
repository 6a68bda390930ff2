package dev.serverlessapp.users.gateway;

import dev.serverlessapp.support.problem.ProblemExceptionHandler;
import dev.serverlessapp.support.problem.Problems;
import dev.serverlessapp.users.UserRoutes;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's firewall refuses a request whose path is not normalised or holds encoded dots,
 * slashes, backslashes, NUL or line breaks, whose header holds control characters, or whose method is
 * not a standard one (TRACE, {@code get}). Its own answer is a bare 400; ours is a problem detail: 405
 * with {@code Allow} for a method, 400 for the rest. The detail does not echo what was refused.
 */
final class FirewallRefusals implements ServerExchangeRejectedHandler {

    /** The methods the firewall lets through; a refused request with another one was refused for it. */
    private static final Set<HttpMethod> STANDARD = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);

    private final ProblemExceptionHandler problems;

    FirewallRefusals(ProblemExceptionHandler problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException refused) {
        var request = exchange.getRequest();
        if (!STANDARD.contains(request.getMethod())) {
            exchange.getResponse().getHeaders().setAllow(UserRoutes.methodsAt(request.getPath().value()));
            return problems.handle(exchange, new ErrorResponseException(HttpStatus.METHOD_NOT_ALLOWED,
                    Problems.problem(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed",
                            "This method is not served here; Allow lists the ones that are"), refused));
        }
        return problems.handle(exchange, new ErrorResponseException(HttpStatus.BAD_REQUEST,
                Problems.problem(HttpStatus.BAD_REQUEST, "Request refused",
                        "The path or a header holds characters or sequences that are not allowed"), refused));
    }
}
