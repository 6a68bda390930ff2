package dev.serverlessapp.support.claim;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Doing the work under a claim we hold: a heartbeat renews the lease while the work runs, so the lease
 * can be short (a dead holder's claim lapses in seconds) however long the work takes; then the claim
 * is completed with the work's result, or released.
 */
final class Holding {

    private static final Logger log = LoggerFactory.getLogger(Holding.class);

    private final Claims claims;

    Holding(Claims claims) {
        this.claims = claims;
    }

    /**
     * The completed claim, or empty when the work had nothing to record (the claim is then released).
     * Work that has started runs to its end even when the caller stops waiting (its deadline passed):
     * its answer is then stored for the retry, instead of being left half done.
     */
    Mono<Claim> run(Claim mine, Duration lease, Function<Claim, Mono<Map<String, AttributeValue>>> work) {
        Mono<Claim> run = renewedWhile(mine, lease, Mono.defer(() -> work.apply(mine)))
                .flatMap(result -> claims.complete(mine, result))
                .switchIfEmpty(Mono.defer(() -> claims.release(mine).then(Mono.empty())))
                .onErrorResume(error -> error instanceof ClaimLostException
                        ? Mono.error(error)
                        : claims.release(mine).then(Mono.error(error)));
        return detached(run);
    }

    /** Renews the lease every third of it until the work ends; stops the work if the claim was lost. */
    private <T> Mono<T> renewedWhile(Claim mine, Duration lease, Mono<T> work) {
        if (lease == null) {
            return work;
        }
        Flux<Void> heartbeat = Mono.delay(lease.dividedBy(3))
                .then(Mono.defer(() -> claims.renew(mine, lease)))
                // A renewal that fails (DynamoDB slow or down) is tried again next beat; the lease only
                // lapses if renewals keep failing, and then our later writes are refused by the token.
                .onErrorResume(error -> !(error instanceof ClaimLostException), error -> {
                    log.info("Lease of {} not renewed: {}", mine.key(), error.toString());
                    return Mono.empty();
                })
                .repeat();
        return Mono.firstWithSignal(work, heartbeat.then(Mono.never()));
    }

    /** Subscribed apart from the caller: cancelling the caller (a deadline) does not cancel the work. */
    private static <T> Mono<T> detached(Mono<T> work) {
        return Mono.deferContextual(context -> Mono.fromFuture(work.contextWrite(context).toFuture(), true));
    }
}
