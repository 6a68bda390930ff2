package dev.serverlessapp.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The keys as README's data model spells them: operators query and mend items by these. */
class KeysTest {

    static final Instant AT = Instant.parse("2026-11-26T23:30:00Z");
    static final Instant HOUR = Instant.parse("2026-11-27T00:00:00Z");

    @Test
    void anHourIsItsUtcStartToTheHour() {
        assertThat(Table.hour(AT)).isEqualTo("2026-11-26T23");
        assertThat(Table.hourAtOrAfter(AT)).isEqualTo("2026-11-27T00");
        assertThat(Table.hourAtOrAfter(HOUR)).as("an hour is at or after itself").isEqualTo("2026-11-27T00");
        assertThat(Table.parseHour("2026-11-26T23")).isEqualTo(Instant.parse("2026-11-26T23:00:00Z"));
    }

    @Test
    void indexKeysNameTheHour() {
        assertThat(UserItem.createdIn(AT)).isEqualTo("CREATED#2026-11-26T23");
        assertThat(WelcomeItem.sentIn(AT)).isEqualTo("WELCOME_SENT#2026-11-26T23");
        assertThat(FileVersionItem.processedIn(AT)).isEqualTo("FILE_PROCESSED#2026-11-26T23");
        assertThat(RequeueItem.dueIn(HOUR)).isEqualTo("WELCOME_DUE#2026-11-27T00");
        assertThat(Table.expiringBy(AT)).as("filed under the hour it has expired by").isEqualTo("EXPIRES#2026-11-27T00");
    }

    @Test
    void itemKeys() {
        assertThat(UserItem.pk("3f0c")).isEqualTo("USER#3f0c");
        assertThat(UserItem.userId(UserItem.pk("3f0c"))).isEqualTo("3f0c");
        assertThat(UserItem.userId("EMAIL#a@b")).isNull();
        assertThat(EmailClaimItem.pk("ada@example.com")).isEqualTo("EMAIL#ada@example.com");
        assertThat(FileVersionItem.pk("files", "uploads/a.png")).isEqualTo("FILE#files/uploads/a.png");
        assertThat(FileVersionItem.sk("v1")).isEqualTo("VERSION#v1");
        assertThat(FileVersionItem.sk("x".repeat(FileVersionItem.maxVersionBytes()))).hasSize(1024);
        assertThat(ReportItem.pk(AT)).isEqualTo("REPORT#2026-11-26T23");
        assertThat(ParkedItem.pk("welcomes")).isEqualTo("PARKED#welcomes");
        assertThat(ParkedItem.sk(UserItem.pk("3f0c"), UserItem.SK)).isEqualTo("USER#3f0c/PROFILE");
    }

    @Test
    void bucketLayout() {
        assertThat(BucketLayout.processed("uploads/a.png")).isEqualTo("processed/uploads/a.png");
        assertThat(BucketLayout.report(Instant.parse("2026-01-02T03:00:00Z"))).isEqualTo("reports/2026/01/02/03.json");
    }

    @Test
    void claimItemsFromBeforeTheMechanismReadAsFinishedOrInProgress() {
        assertThat(ClaimStatus.of(null)).isEqualTo(ClaimStatus.COMPLETED);
        assertThat(ClaimStatus.of("SENT")).isEqualTo(ClaimStatus.COMPLETED);
        assertThat(ClaimStatus.of("SENDING")).isEqualTo(ClaimStatus.IN_PROGRESS);
        assertThat(ClaimStatus.of("IN_PROGRESS")).isEqualTo(ClaimStatus.IN_PROGRESS);
    }
}
