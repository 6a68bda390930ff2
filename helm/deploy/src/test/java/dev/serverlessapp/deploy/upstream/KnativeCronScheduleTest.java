package dev.serverlessapp.deploy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When a PingSource ticks, as Knative's ping adapter (robfig/cron) has it: the local runtime fires by this. */
class KnativeCronScheduleTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 11, 26, 23, 27, 41, 0, UTC);

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0 * * * *          | 2026-11-27T00:00:00Z
            5 * * * *          | 2026-11-27T00:05:00Z
            @hourly            | 2026-11-27T00:00:00Z
            @daily             | 2026-11-27T00:00:00Z
            @weekly            | 2026-11-29T00:00:00Z
            @monthly           | 2026-12-01T00:00:00Z
            @yearly            | 2027-01-01T00:00:00Z
            */15 * * * *       | 2026-11-26T23:30:00Z
            */20 * * * * *     | 2026-11-26T23:28:00Z
            45 27 23 * * *     | 2026-11-26T23:27:45Z
            0 9 * * MON-FRI    | 2026-11-27T09:00:00Z
            0 0 13 * 5         | 2026-11-27T00:00:00Z
            0 0 13 * *         | 2026-12-13T00:00:00Z
            0 0 1 jan,jul ?    | 2027-01-01T00:00:00Z
            0 0 29 2 *         | 2028-02-29T00:00:00Z
            """)
    void ticksAtRobfigsNext(String schedule, String next) {
        assertThat(KnativeCron.schedule("p", schedule, null).next(NOW).toInstant()).hasToString(next);
    }

    @Test
    void aTickIsStrictlyAfter() {
        ZonedDateTime onTheHour = ZonedDateTime.of(2026, 11, 27, 0, 0, 0, 0, UTC);
        assertThat(KnativeCron.schedule("p", "0 * * * *", null).next(onTheHour))
                .isEqualTo(ZonedDateTime.of(2026, 11, 27, 1, 0, 0, 0, UTC));
    }

    @Test
    void theTimezoneDecidesWhenADailyScheduleFires() {
        // 09:00 in Tokyo is 00:00 UTC.
        ZonedDateTime next = KnativeCron.schedule("daily", "0 9 * * *", "Asia/Tokyo").next(NOW);
        assertThat(next.toInstant()).isEqualTo(ZonedDateTime.of(2026, 11, 27, 0, 0, 0, 0, UTC).toInstant());
        assertThat(next.getZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
    }

    @Test
    void aCronTzPrefixSetsTheZone() {
        ZonedDateTime next = KnativeCron.schedule("daily", "CRON_TZ=America/New_York 0 0 * * *", null).next(NOW);
        assertThat(next.toInstant()).isEqualTo(ZonedDateTime.of(2026, 11, 27, 5, 0, 0, 0, UTC).toInstant());
    }

    @Test
    void anInvalidScheduleNamesTheSourceAndWhy() {
        assertThatThrownBy(() -> KnativeCron.schedule("hourly", "61 * * * *", "UTC"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PingSource hourly")
                .hasMessageContaining("end of range (61) above maximum (59)");
        assertThatThrownBy(() -> KnativeCron.schedule("hourly", "0 * * * *", "Mars/Olympus"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Mars/Olympus");
        assertThatThrownBy(() -> KnativeCron.schedule("hourly", "@every 1h", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported descriptor @every");
    }
}
