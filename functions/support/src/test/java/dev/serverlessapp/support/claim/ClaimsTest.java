package dev.serverlessapp.support.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.contract.ClaimStatus;
import dev.serverlessapp.contract.Table;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The claim mechanism's writes on dynalite: who may change a claim, and what a claim item holds. */
class ClaimsTest {

    static final TestTable TABLE = new TestTable();
    static final Duration WAIT = Duration.ofSeconds(15);

    final Claims claims = new Claims(TABLE.dynamo, TABLE.name, TABLE.clock);
    final String pk = "THING#" + UUID.randomUUID();

    @Test
    void aPermanentClaimHasNoExpiryAndKeepsItsAttributesAndResult() {
        ClaimRequest request = ClaimRequest.of(pk, "ONCE").ownedBy("request-1")
                .with(Map.of("userId", s("u-1")));

        Claim done = claims.once(request, found -> { }, mine -> Mono.just(Map.of("outcome", s("sent"),
                Table.ACTIVITY_PK, s("SENT#2026-01-01T00")))).block(WAIT);

        assertThat(done.isCompleted()).isTrue();
        assertThat(done.owner()).isEqualTo("request-1");
        assertThat(done.string("userId")).isEqualTo("u-1");
        assertThat(done.string("outcome")).isEqualTo("sent");
        Map<String, AttributeValue> item = TABLE.item(pk, "ONCE");
        assertThat(item).containsEntry("status", s("COMPLETED")).containsEntry("userId", s("u-1"))
                .containsEntry(Table.ACTIVITY_PK, s("SENT#2026-01-01T00"))
                .doesNotContainKeys(Table.EXPIRES_AT, Table.DUE_PK, "leaseUntil");
    }

    @Test
    void aTemporaryClaimExpiresAndIsFiledForTheHourlyCleanUp() {
        claims.acquire(ClaimRequest.of(pk, "ONCE").leasedFor(Duration.ofSeconds(6)).keptFor(Duration.ofHours(24)))
                .block(WAIT);

        Map<String, AttributeValue> item = TABLE.item(pk, "ONCE");
        long expiresAt = TABLE.clock.instant().plus(Duration.ofHours(24)).getEpochSecond();
        assertThat(item.get(Table.EXPIRES_AT).n()).isEqualTo(Long.toString(expiresAt));
        assertThat(item.get(Table.DUE_PK).s()).startsWith("EXPIRES#");
        assertThat(Long.parseLong(item.get("leaseUntil").n()))
                .isEqualTo(TABLE.clock.instant().plusSeconds(6).toEpochMilli());
    }

    @Test
    void aSecondClaimFindsTheFirstAsItStands() {
        claims.acquire(ClaimRequest.of(pk, "ONCE").ownedBy("first").with(Map.of("userId", s("u-1")))).block(WAIT);

        var second = claims.acquire(ClaimRequest.of(pk, "ONCE").ownedBy("second").with(Map.of("userId", s("u-2"))))
                .block(WAIT);

        assertThat(second).isInstanceOfSatisfying(Claims.Attempt.Found.class, found -> {
            assertThat(found.current().owner()).isEqualTo("first");
            assertThat(found.current().string("userId")).isEqualTo("u-1");
            assertThat(found.current().status()).isEqualTo(ClaimStatus.IN_PROGRESS);
        });
    }

    @Test
    void aHolderThatLostItsClaimCanNeitherCompleteNorReleaseIt() {
        Duration lease = Duration.ofSeconds(6);
        Claim first = acquired(ClaimRequest.of(pk, "ONCE").leasedFor(lease));
        TABLE.clock.move(lease.plusSeconds(1));
        Claim second = acquired(ClaimRequest.of(pk, "ONCE").leasedFor(lease));

        assertThatThrownBy(() -> claims.complete(first, Map.of("result", s("stale"))).block(WAIT))
                .isInstanceOf(ClaimLostException.class);
        assertThatThrownBy(() -> claims.renew(first, lease).block(WAIT)).isInstanceOf(ClaimLostException.class);
        claims.release(first).block(WAIT);

        Map<String, AttributeValue> item = TABLE.item(pk, "ONCE");
        assertThat(item.get("token").s()).isEqualTo(second.token());
        assertThat(item).doesNotContainKey("result");
        claims.release(second).block(WAIT);
        assertThat(TABLE.item(pk, "ONCE")).isEmpty();
    }

    @Test
    void aClaimWithoutALeaseNeverLapsesButCanBeTakenOverUnchanged() {
        Claim first = acquired(ClaimRequest.of(pk, "CLAIM").ownedBy("first"));
        TABLE.clock.move(Duration.ofDays(1));
        var again = claims.acquire(ClaimRequest.of(pk, "CLAIM").ownedBy("second")).block(WAIT);
        assertThat(again).isInstanceOf(Claims.Attempt.Found.class);

        var taken = claims.takeOver(first, ClaimRequest.of(pk, "CLAIM").ownedBy("second")).block(WAIT);
        assertThat(taken).isInstanceOf(Claims.Attempt.Acquired.class);
        // A take-over of what it read before, now changed, finds the new holder instead.
        var late = claims.takeOver(first, ClaimRequest.of(pk, "CLAIM").ownedBy("third")).block(WAIT);
        assertThat(late).isInstanceOfSatisfying(Claims.Attempt.Found.class,
                found -> assertThat(found.current().owner()).isEqualTo("second"));
    }

    @Test
    void workThatFailsReleasesTheClaimAndWorkWithNothingToKeepLeavesNoItem() {
        ClaimRequest request = ClaimRequest.of(pk, "ONCE").leasedFor(Duration.ofSeconds(6));
        assertThatThrownBy(() -> claims.once(request, found -> { },
                mine -> Mono.error(new IllegalStateException("down"))).block(WAIT)).hasMessage("down");
        assertThat(TABLE.item(pk, "ONCE")).isEmpty();

        assertThat(claims.once(request, found -> { }, mine -> Mono.empty()).blockOptional(WAIT)).isEmpty();
        assertThat(TABLE.item(pk, "ONCE")).isEmpty();
    }

    /** A local data folder or table from before the claim mechanism still reads, as finished work. */
    @Test
    void itemsWrittenBeforeTheClaimMechanismReadAsCompleted() {
        TABLE.put(Map.of(Table.PK, s(pk), Table.SK, s("CLAIM"), "userId", s("u-0"),
                "claimedAt", s("2026-01-01T00:00:00Z")));
        TABLE.put(Map.of(Table.PK, s(pk), Table.SK, s("WELCOME"), "status", s("SENT")));

        assertThat(claims.read(new Claim.Key(pk, "CLAIM")).block(WAIT)).hasValueSatisfying(claim ->
                assertThat(claim.isCompleted()).isTrue());
        assertThat(claims.read(new Claim.Key(pk, "WELCOME")).block(WAIT)).hasValueSatisfying(claim ->
                assertThat(claim.isCompleted()).isTrue());
    }

    @Test
    void attributesMayNotOverlapTheClaimsOwn() {
        assertThatThrownBy(() -> ClaimRequest.of(pk, "ONCE").with(Map.of("token", s("mine"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    Claim acquired(ClaimRequest request) {
        return ((Claims.Attempt.Acquired) claims.acquire(request).block(WAIT)).claim();
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
