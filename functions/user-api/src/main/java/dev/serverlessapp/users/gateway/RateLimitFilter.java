package dev.serverlessapp.users.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.serverlessapp.support.problem.ProblemExceptionHandler;
import dev.serverlessapp.support.problem.Problems;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Limits each client of {@code /users} to a Bucket4j token bucket: the token's subject when there is
 * one, else the client's address. It runs after Spring Security, so the subject is known. A limited
 * request gets 429 with {@code Retry-After}.
 */
public class RateLimitFilter implements WebFilter, Ordered {

    private final RateLimitProperties limits;
    private final ClientAddress clientAddress;
    private final ProblemExceptionHandler problems;
    private final Cache<String, Bucket> buckets;

    public RateLimitFilter(RateLimitProperties limits, ProblemExceptionHandler problems) {
        this.limits = limits;
        this.problems = problems;
        this.clientAddress = new ClientAddress(limits.trustedProxies());
        // A bucket idle long enough to be full again is the same as a new one, so dropping it then
        // loses nothing; the size bound keeps a flood of addresses from filling the heap.
        Duration refillTime = limits.period().multipliedBy(Math.ceilDiv(limits.burst(), limits.rate()));
        this.buckets = Caffeine.newBuilder()
                .maximumSize(limits.maxClients())
                .expireAfterAccess(refillTime)
                .build();
    }

    @Override
    public int getOrder() {
        // Spring Security's filter chain runs at -100.
        return 0;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/users")) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal()
                .filter(principal -> !(principal instanceof AnonymousAuthenticationToken))
                .map(principal -> "sub:" + principal.getName())
                .switchIfEmpty(Mono.fromSupplier(() -> "ip:" + clientAddress.of(exchange.getRequest())))
                .flatMap(client -> {
                    ConsumptionProbe probe = buckets.get(client, key -> newBucket()).tryConsumeAndReturnRemaining(1);
                    return probe.isConsumed() ? chain.filter(exchange) : tooManyRequests(exchange, probe);
                });
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(limits.burst()).refillGreedy(limits.rate(), limits.period()))
                .build();
    }

    private Mono<Void> tooManyRequests(ServerWebExchange exchange, ConsumptionProbe probe) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return problems.handle(exchange, new ErrorResponseException(HttpStatus.TOO_MANY_REQUESTS,
                Problems.problem(HttpStatus.TOO_MANY_REQUESTS, "Too many requests",
                        "Try again in " + seconds + " seconds"), null));
    }
}
