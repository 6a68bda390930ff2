package dev.serverlessapp.users.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.serverlessapp.support.problem.ProblemExceptionHandler;
import dev.serverlessapp.support.problem.Problems;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * A Bucket4j token bucket per client. Two of these run: {@link #byAddress} before Spring Security, so a
 * client past its limit makes user-api do nothing at all for it, not even check its token (which could
 * mean asking the issuer for keys); and {@link #bySubject} after it, so one token holder is one client
 * from any address. A limited request gets 429 with {@code Retry-After}.
 */
public class RateLimitFilter implements WebFilter, Ordered {

    /** Spring Security's filter chain runs at -100. */
    private static final int BEFORE_SECURITY = -200;
    private static final int AFTER_SECURITY = 0;

    private final RateLimitProperties limits;
    private final ProblemExceptionHandler problems;
    private final Function<ServerWebExchange, Mono<String>> client;
    private final int order;
    private final Cache<String, Bucket> buckets;

    private RateLimitFilter(RateLimitProperties limits, ProblemExceptionHandler problems,
            Function<ServerWebExchange, Mono<String>> client, int order) {
        this.limits = limits;
        this.problems = problems;
        this.client = client;
        this.order = order;
        // A bucket idle long enough to be full again is the same as a new one, so dropping it then
        // loses nothing; the size bound keeps a flood of addresses from filling the heap.
        Duration refillTime = limits.period().multipliedBy(Math.ceilDiv(limits.burst(), limits.rate()));
        this.buckets = Caffeine.newBuilder()
                .maximumSize(limits.maxClients())
                .expireAfterAccess(refillTime)
                .build();
    }

    /** Every request but the probes, by the client's address (X-Forwarded-For from trusted proxies only). */
    public static RateLimitFilter byAddress(RateLimitProperties limits, ProblemExceptionHandler problems) {
        ClientAddress addresses = new ClientAddress(limits.trustedProxies());
        return new RateLimitFilter(limits, problems, exchange -> isProbe(exchange)
                ? Mono.empty()
                : Mono.just("ip:" + addresses.of(exchange.getRequest())), BEFORE_SECURITY);
    }

    /** Requests with a valid token, by the token's subject. */
    public static RateLimitFilter bySubject(RateLimitProperties limits, ProblemExceptionHandler problems) {
        return new RateLimitFilter(limits, problems, exchange -> exchange.getPrincipal()
                .filter(principal -> !(principal instanceof AnonymousAuthenticationToken))
                .map(principal -> "sub:" + principal.getName()), AFTER_SECURITY);
    }

    @Override
    public int getOrder() {
        return order;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return client.apply(exchange)
                .map(key -> Optional.of(buckets.get(key, k -> newBucket()).tryConsumeAndReturnRemaining(1)))
                .defaultIfEmpty(Optional.empty()) // not counted here
                .flatMap(probe -> probe.isEmpty() || probe.get().isConsumed()
                        ? chain.filter(exchange)
                        : tooManyRequests(exchange, probe.get()));
    }

    /** Knative's probes must never be limited: a pod that fails them is taken out of service. */
    private static boolean isProbe(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().value();
        return path.equals("/livez") || path.equals("/readyz") || path.startsWith("/actuator/");
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
