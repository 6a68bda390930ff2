package dev.serverlessapp.support.problem;

import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Drops the empty elements of an {@code Accept} field ({@code Accept: ,}, {@code text/plain, ,}) and the field
 * itself when nothing else is left, before any route sees it; RFC 9110 (5.6.1) asks a recipient to ignore
 * empty list elements. Spring Boot's actuator endpoints (4.0.7 and 4.0.9) parse the field on their own and
 * fail on them: health (a function's {@code /livez} and {@code /readyz}, on the serving port) with a 500 for
 * an invalid mime type, Prometheus with a 500 for a missing output format.
 */
public final class BlankAcceptElements implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        List<String> values = exchange.getRequest().getHeaders().get(HttpHeaders.ACCEPT);
        if (values == null) {
            return chain.filter(exchange);
        }
        List<String> elements = values.stream().flatMap(value -> MimeTypeUtils.tokenize(value).stream()).toList();
        List<String> kept = elements.stream().map(String::strip).filter(element -> !element.isEmpty()).toList();
        if (!kept.isEmpty() && kept.size() == elements.size()) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate().request(request -> request.headers(headers -> {
            headers.remove(HttpHeaders.ACCEPT);
            headers.addAll(HttpHeaders.ACCEPT, kept);
        })).build());
    }
}
