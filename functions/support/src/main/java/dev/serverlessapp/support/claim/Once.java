package dev.serverlessapp.support.claim;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Work done once per key, on {@link Claims}. The first caller claims the key and does the work (see
 * {@link Holding}). A caller that finds the work done gets the completed claim. A caller that finds it
 * in progress waits for it, at most one lease: it gets the completed claim as soon as there is one,
 * takes the claim over if its holder let go or died (its lease lapsed), and otherwise gets a
 * {@link ClaimHeldException} (409 with Retry-After): the holder is alive and still at work.
 */
final class Once {

    /** Polls of a claim in progress start fast (most work takes milliseconds) and back off to this. */
    private static final Duration MAX_POLL = Duration.ofSeconds(1);
    private static final Duration FIRST_POLL = Duration.ofMillis(50);

    private final Claims claims;
    private final Holding holding;

    Once(Claims claims) {
        this.claims = claims;
        this.holding = new Holding(claims);
    }

    Mono<Claim> run(ClaimRequest request, Consumer<Claim> checkFound,
            Function<Claim, Mono<Map<String, AttributeValue>>> work) {
        return Mono.defer(() -> {
            long waitUntil = System.nanoTime() + (request.lease() == null ? 0 : request.lease().toNanos());
            return attempt(request, checkFound, work, waitUntil);
        });
    }

    private Mono<Claim> attempt(ClaimRequest request, Consumer<Claim> checkFound,
            Function<Claim, Mono<Map<String, AttributeValue>>> work, long waitUntil) {
        return claims.acquire(request).flatMap(attempt -> switch (attempt) {
            case Claims.Attempt.Acquired acquired -> holding.run(acquired.claim(), request.lease(), work);
            case Claims.Attempt.Found found -> {
                checkFound.accept(found.current());
                yield found.current().isCompleted()
                        ? Mono.just(found.current())
                        : settled(found.current(), waitUntil, FIRST_POLL)
                                .switchIfEmpty(Mono.defer(() -> attempt(request, checkFound, work, waitUntil)));
            }
        });
    }

    /** The claim once completed; empty once it is free to take (released, or lapsed); else, at the end of the wait, 409. */
    private Mono<Claim> settled(Claim held, long waitUntil, Duration poll) {
        if (System.nanoTime() >= waitUntil) {
            return Mono.error(new ClaimHeldException("The same work", retryAfter(held)));
        }
        return Mono.delay(poll)
                .then(claims.read(held.key()))
                .flatMap(current -> {
                    if (current.isEmpty() || current.get().hasLapsed(claims.now())) {
                        return Mono.empty();
                    }
                    if (current.get().isCompleted()) {
                        return Mono.just(current.get());
                    }
                    Duration next = poll.multipliedBy(2);
                    return settled(current.get(), waitUntil, next.compareTo(MAX_POLL) > 0 ? MAX_POLL : next);
                });
    }

    /** When the holder's lease ends, had it died now; a second if it has none. */
    private Duration retryAfter(Claim held) {
        Instant now = claims.now();
        return held.leaseUntil() == null || !held.leaseUntil().isAfter(now)
                ? Duration.ofSeconds(1)
                : Duration.between(now, held.leaseUntil());
    }
}
