package dev.serverlessapp.scheduled;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.contract.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HoursTest {

    static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void anInstantInsideAnHourIsDueByTheNextHour() {
        assertThat(Hours.atOrAfter(at("2026-11-26T23:00:01Z"))).isEqualTo(at("2026-11-27T00:00:00Z"));
        assertThat(Hours.atOrAfter(at("2026-11-26T23:59:59.999Z"))).isEqualTo(at("2026-11-27T00:00:00Z"));
    }

    @Test
    void anInstantOnTheHourIsDueByThatHour() {
        assertThat(Hours.atOrAfter(at("2026-11-26T23:00:00Z"))).isEqualTo(at("2026-11-26T23:00:00Z"));
    }

    @Test
    void bucketsMatchTheHoursTheOtherFunctionsFileUnder() {
        // user-api and function-support file due items with Table.hourAtOrAfter; the job must look there.
        for (String instant : new String[] {"2026-11-26T23:00:00Z", "2026-11-26T23:00:00.001Z", "2026-12-31T23:59:59Z"}) {
            assertThat(Table.hour(Hours.atOrAfter(at(instant)))).isEqualTo(Table.hourAtOrAfter(at(instant)));
        }
    }

    @Test
    void dueBucketsRunFromAfterTheCursorToTheBucketOfNow() {
        List<Instant> buckets = Hours.dueBuckets(Optional.of(at("2026-11-26T21:00:00Z")), at("2026-11-26T23:00:30Z"), 24);

        // 22 and 23 are over or begun; 00 holds what expires between 23:00 and 00:00, part of it already due.
        assertThat(buckets).containsExactly(at("2026-11-26T22:00:00Z"), at("2026-11-26T23:00:00Z"),
                at("2026-11-27T00:00:00Z"));
    }

    @Test
    void aPingExactlyOnTheHourSweepsNoFutureBucket() {
        assertThat(Hours.dueBuckets(Optional.of(at("2026-11-26T22:00:00Z")), at("2026-11-26T23:00:00Z"), 24))
                .containsExactly(at("2026-11-26T23:00:00Z"));
    }

    @Test
    void completedHoursEndWithTheHourBeforeNow() {
        assertThat(Hours.completed(Optional.of(at("2026-11-26T20:00:00Z")), at("2026-11-26T23:00:30Z"), 24))
                .containsExactly(at("2026-11-26T21:00:00Z"), at("2026-11-26T22:00:00Z"));
    }

    @Test
    void theHourRunningNowIsNotReportedYet() {
        assertThat(Hours.completed(Optional.of(at("2026-11-26T22:00:00Z")), at("2026-11-26T23:59:59Z"), 24)).isEmpty();
    }

    @Test
    void aFreshInstallLooksBackOnlyTheCatchUpHours() {
        List<Instant> hours = Hours.completed(Optional.empty(), at("2026-11-26T23:00:30Z"), 3);

        assertThat(hours).containsExactly(at("2026-11-26T20:00:00Z"), at("2026-11-26T21:00:00Z"),
                at("2026-11-26T22:00:00Z"));
    }

    @Test
    void aLongGapIsWorkedOffOldestFirstInBoundedRuns() {
        List<Instant> hours = Hours.completed(Optional.of(at("2026-11-25T00:00:00Z")), at("2026-11-26T23:00:30Z"), 4);

        // The cursor moves to the last of these; the next ping continues from there.
        assertThat(hours).containsExactly(at("2026-11-25T01:00:00Z"), at("2026-11-25T02:00:00Z"),
                at("2026-11-25T03:00:00Z"), at("2026-11-25T04:00:00Z"));
    }

    @Test
    void aCursorAheadOfNowGivesNoHours() {
        assertThat(Hours.completed(Optional.of(at("2026-11-27T05:00:00Z")), at("2026-11-26T23:00:30Z"), 24)).isEmpty();
    }

    @Test
    void aBucketIsDoneOnceItsHourHasBegun() {
        assertThat(Hours.isDone(at("2026-11-26T23:00:00Z"), at("2026-11-26T23:00:00Z"))).isTrue();
        assertThat(Hours.isDone(at("2026-11-27T00:00:00Z"), at("2026-11-26T23:59:59Z"))).isFalse();
    }

    @Test
    void somethingDueLaterIsFiledUnderTheHourItFallsDueBy() {
        assertThat(Hours.dueBucket(at("2026-11-26T23:15:30Z"), at("2026-11-26T23:00:30Z")))
                .isEqualTo(at("2026-11-27T00:00:00Z"));
    }

    @Test
    void somethingDueAlreadyIsFiledAfterTheHourThatHasBegun() {
        // With no grace, a re-queue at 23:00:00 is due at once; filed under 23 the cursor would pass it by.
        assertThat(Hours.dueBucket(at("2026-11-26T23:00:00Z"), at("2026-11-26T23:00:00Z")))
                .isEqualTo(at("2026-11-27T00:00:00Z"));
    }

    @Test
    void reportKeysAreTheUtcHourAsAPath() {
        assertThat(HourlyReports.key(at("2026-11-26T23:00:00Z"))).isEqualTo("reports/2026/11/26/23.json");
        assertThat(HourlyReports.key(at("2027-01-02T03:00:00Z"))).isEqualTo("reports/2027/01/02/03.json");
    }
}
