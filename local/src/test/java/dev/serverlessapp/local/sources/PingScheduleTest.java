package dev.serverlessapp.local.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class PingScheduleTest {

    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 11, 26, 23, 27, 41, 0, ZoneId.of("UTC"));

    @Test
    void hourlyFiresAtTheNextFullHour() {
        assertThat(PingSchedule.parse("hourly", "0 * * * *", "Etc/UTC").next(NOW).toInstant())
                .isEqualTo(ZonedDateTime.of(2026, 11, 27, 0, 0, 0, 0, ZoneId.of("UTC")).toInstant());
    }

    @Test
    void theTimezoneDecidesWhenADailyScheduleFires() {
        // 09:00 in Tokyo is 00:00 UTC.
        ZonedDateTime next = PingSchedule.parse("daily", "0 9 * * *", "Asia/Tokyo").next(NOW);
        assertThat(next.toInstant()).isEqualTo(ZonedDateTime.of(2026, 11, 27, 0, 0, 0, 0, ZoneId.of("UTC")).toInstant());
        assertThat(next.getZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
    }

    @Test
    void aCronTzPrefixSetsTheZone() {
        ZonedDateTime next = PingSchedule.parse("daily", "CRON_TZ=America/New_York 0 0 * * *", null).next(NOW);
        assertThat(next.toInstant()).isEqualTo(ZonedDateTime.of(2026, 11, 27, 5, 0, 0, 0, ZoneId.of("UTC")).toInstant());
    }

    @Test
    void descriptorsAreUnderstood() {
        assertThat(PingSchedule.parse("p", "@hourly", "UTC").next(NOW).getMinute()).isZero();
    }

    @Test
    void anInvalidScheduleNamesTheSource() {
        assertThatThrownBy(() -> PingSchedule.parse("hourly", "61 * * * *", "UTC"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PingSource hourly");
        assertThatThrownBy(() -> PingSchedule.parse("hourly", "0 * * * *", "Mars/Olympus"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Mars/Olympus");
    }
}
