package dev.serverlessapp.support.problem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Reactor Netty answers some requests itself after their route has started: a body it cannot decode (e.g. a
 * chunk size that is not hex) gets its 400, with the problem detail {@link NettyRefusalProblems} adds, and the
 * body then simply ends, cut short. Left alone, the route would act on that cut body (a sign-up whose first
 * chunk was a whole JSON object stored, while its client was told 400), and Spring, which does not know an
 * answer has gone, would log and count a "500 Server Error" that no client received. Here the cut body ends in
 * an error instead, so the route acts on nothing, and the route's failure ends the exchange without a second
 * answer.
 */
public final class AnsweredByNetty implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(AnsweredByNetty.class);

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequestDecorator request = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return super.getBody().concatWith(Mono.defer(() -> answered(exchange)
                        ? Mono.error(new IllegalStateException("The server refused the request's body")) : Mono.empty()));
            }
        };
        return chain.filter(exchange.mutate().request(request).build()).onErrorResume(e -> answered(exchange), e -> {
            log.debug("{}answered by the server while its route ran: {}", exchange.getLogPrefix(), e.toString());
            // The status the server sent, for the request's metrics, in place of the route's.
            exchange.getResponse().setStatusCode(refusedWith(exchange));
            // Spring's own commit would fail the same way: tried here, it leaves the response marked as sent.
            return Mono.defer(exchange.getResponse()::setComplete).onErrorComplete();
        });
    }

    /** As {@link NettyRefusalProblems} saw it go out; else 400, Reactor Netty's answer to a body it cannot decode. */
    private static HttpStatusCode refusedWith(ServerWebExchange exchange) {
        Integer refused = ServerHttpResponseDecorator.getNativeResponse(exchange.getResponse()) instanceof Connection connection
                ? connection.channel().attr(NettyRefusalProblems.REFUSED).get() : null;
        return HttpStatusCode.valueOf(refused == null ? 400 : refused);
    }

    private static boolean answered(ServerWebExchange exchange) {
        return ServerHttpResponseDecorator.getNativeResponse(exchange.getResponse()) instanceof HttpServerResponse netty
                && netty.hasSentHeaders();
    }

    /** Around every other filter, so that the route's failure meets this one first. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
