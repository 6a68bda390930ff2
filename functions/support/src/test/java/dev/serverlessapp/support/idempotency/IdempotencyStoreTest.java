package dev.serverlessapp.support.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serverlessapp.support.claim.CountingDynamo;
import dev.serverlessapp.support.claim.TestTable;
import dev.serverlessapp.contract.Table;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Once per key, against dynalite, with runs that stall, die and come back: what a retry gets, and
 * what a slow first run can no longer do. The clock is moved by hand where a lease must lapse.
 */
class IdempotencyStoreTest {

    static final Duration KEEP = Duration.ofHours(1);
    static final TestTable TABLE = new TestTable();

    final IdempotencyStore.Key key = IdempotencyStore.Key.of("test", UUID.randomUUID().toString(), "payload");

    @Test
    void aRepeatWhileTheFirstRunIsAtWorkGetsItsAnswer() throws Exception {
        IdempotencyStore store = store(Duration.ofSeconds(20), Clock.systemUTC());
        Sinks.One<String> first = Sinks.one();
        CompletableFuture<String> firstRun = store.once(key, KEEP, first::asMono).toFuture();
        await().until(this::claimed);

        AtomicInteger repeats = new AtomicInteger();
        CountingDynamo counting = new CountingDynamo();
        IdempotencyStore repeatStore = new IdempotencyStore(counting.wrap(TABLE.dynamo), TABLE.name,
                Duration.ofSeconds(20), Clock.systemUTC());
        CompletableFuture<String> repeat = repeatStore.once(key, KEEP, () -> {
            repeats.incrementAndGet();
            return Mono.just("second");
        }).toFuture();
        // The repeat has read the record in progress before the first run finishes.
        await().until(() -> counting.reads.get() > 0);
        first.tryEmitValue("first");

        // Not "409, in progress": the repeat waits and gets the first answer, and runs nothing itself.
        assertThat(repeat.get(15, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(firstRun.get(15, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(repeats).hasValue(0);
    }

    @Test
    void aSlowFirstRunCannotOverwriteTheAnswerOfTheRunThatTookOver() throws Exception {
        Duration lease = Duration.ofSeconds(30);
        IdempotencyStore store = store(lease, TABLE.clock);
        Sinks.One<String> slow = Sinks.one();
        CompletableFuture<String> slowRun = store.once(key, KEEP, slow::asMono).toFuture();
        await().until(this::claimed);

        // The first run stalls past its lease (no renewal reached the table); a retry takes over.
        TABLE.clock.move(lease.plusSeconds(1));
        assertThat(store.once(key, KEEP, () -> Mono.just("taken over")).block(Duration.ofSeconds(15)))
                .isEqualTo("taken over");
        slow.tryEmitValue("stale");

        assertThatThrownBy(() -> slowRun.get(15, TimeUnit.SECONDS)).hasMessageContaining("retry later");
        assertThat(store.once(key, KEEP, () -> Mono.just("third")).block(Duration.ofSeconds(15)))
                .as("the answer stored by the run that took over").isEqualTo("taken over");
    }

    @Test
    void aSlowFirstRunThatFailsCannotDeleteTheClaimOfTheRunThatTookOver() throws Exception {
        Duration lease = Duration.ofSeconds(30);
        IdempotencyStore store = store(lease, TABLE.clock);
        Sinks.One<String> slow = Sinks.one();
        CompletableFuture<String> slowRun = store.once(key, KEEP, slow::asMono).toFuture();
        await().until(this::claimed);
        TABLE.clock.move(lease.plusSeconds(1));
        String slowLease = record().get("leaseUntil").n();
        Sinks.One<String> second = Sinks.one();
        CompletableFuture<String> secondRun = store.once(key, KEEP, second::asMono).toFuture();
        await().until(() -> !record().isEmpty() && !record().get("leaseUntil").n().equals(slowLease));

        slow.tryEmitError(new IllegalStateException("the slow run fails at last"));
        assertThatThrownBy(() -> slowRun.get(15, TimeUnit.SECONDS)).hasMessageContaining("slow run fails");

        assertThat(record()).as("the second run's claim").containsKey("status");
        second.tryEmitValue("second");
        assertThat(secondRun.get(15, TimeUnit.SECONDS)).isEqualTo("second");
        assertThat(record().get("result").s()).isEqualTo("second");
    }

    @Test
    void theClaimOfARunThatDiedIsTakenOverWithinItsLease() {
        // What a run leaves when its process is killed: in progress, its lease running out in a second.
        Instant now = Instant.now();
        TABLE.put(Map.of(Table.PK, s(pk()), Table.SK, s("IDEMPOTENCY"),
                "scope", s("test"), "key", s(key.value()), "fingerprint", s("payload"),
                "status", s("IN_PROGRESS"), "token", s("killed-run"), "claimedAt", s(now.toString()),
                "leaseUntil", n(now.plusSeconds(1).toEpochMilli()),
                Table.EXPIRES_AT, n(now.plus(KEEP).getEpochSecond())));

        String answer = store(Duration.ofSeconds(6), Clock.systemUTC())
                .once(key, KEEP, () -> Mono.just("done by the retry")).block(Duration.ofSeconds(15));

        assertThat(answer).isEqualTo("done by the retry");
    }

    @Test
    void aLiveRunKeepsItsClaimPastTheLeaseAndARepeatRunsNothing() throws Exception {
        Duration lease = Duration.ofMillis(900);
        IdempotencyStore store = store(lease, TABLE.clock);
        Sinks.One<String> first = Sinks.one();
        CompletableFuture<String> firstRun = store.once(key, KEEP, first::asMono).toFuture();
        await().until(this::claimed);

        TABLE.clock.move(Duration.ofSeconds(5));
        // The heartbeat moves the lease on, from the moved clock, while the run is at work.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                leaseUntil().isAfter(TABLE.clock.instant()));
        AtomicInteger repeats = new AtomicInteger();
        assertThatThrownBy(() -> store.once(key, KEEP, () -> {
            repeats.incrementAndGet();
            return Mono.just("repeat");
        }).block(Duration.ofSeconds(15))).hasMessageContaining("still being processed");
        assertThat(repeats).hasValue(0);

        first.tryEmitValue("first");
        assertThat(firstRun.get(15, TimeUnit.SECONDS)).isEqualTo("first");
    }

    @Test
    void aKeyReusedWithAnotherPayloadIsRefused() {
        IdempotencyStore store = store(Duration.ofSeconds(6), Clock.systemUTC());
        store.once(key, KEEP, () -> Mono.just("first")).block(Duration.ofSeconds(15));

        var other = IdempotencyStore.Key.of("test", key.value(), "another payload");
        assertThatThrownBy(() -> store.once(other, KEEP, () -> Mono.just("second")).block(Duration.ofSeconds(15)))
                .isInstanceOf(IdempotencyKeyReusedException.class);
    }

    IdempotencyStore store(Duration lease, Clock clock) {
        return new IdempotencyStore(TABLE.dynamo, TABLE.name, lease, clock);
    }

    boolean claimed() {
        return !record().isEmpty();
    }

    /** The record's partition key, as README's table layout gives it. */
    String pk() {
        return "IDEMPOTENCY#" + IdempotencyStore.sha256(key.scope() + "\n" + key.value());
    }

    Map<String, AttributeValue> record() {
        return TABLE.item(pk(), "IDEMPOTENCY");
    }

    /** Epoch milliseconds. */
    Instant leaseUntil() {
        return Instant.ofEpochMilli(Long.parseLong(record().get("leaseUntil").n()));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
