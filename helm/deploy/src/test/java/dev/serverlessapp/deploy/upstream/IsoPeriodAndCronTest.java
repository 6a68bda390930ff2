package dev.serverlessapp.deploy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The two parsers ported from Knative Eventing's dependencies read what they read, and refuse the rest. */
class IsoPeriodAndCronTest {

    @ParameterizedTest
    @CsvSource({"PT60S,60000", "PT0.5S,500", "PT1M30S,90000", "P1D,86400000", "P1W,604800000", "PT1H,3600000",
            "PT0.55S,500", "PT0.05S,0", "P0,0", "-PT5S,-5000", "PT2.S,2000"})
    void periodsAreReadAsRickb777Does(String text, long millis) {
        assertThat(IsoPeriod.parse(text)).hasValueSatisfying(p -> assertThat(p.approximate()).isEqualTo(Duration.ofMillis(millis)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "60s", "P", "PT", "PTS", "P1H", "PT1D", "1D", "PT1H1D", "Pt1s"})
    void malformedPeriodsAreRefused(String text) {
        assertThat(IsoPeriod.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 * * * *", "0 5 * * * *", "*/15 * * * *", "0 9 * * MON-FRI", "0 0 1 jan,jul ?", "@hourly",
            "CRON_TZ=Europe/Berlin 5 * * * *", "TZ=UTC @daily", "1-5/2 * * * *"})
    void schedulesRobfigAccepts(String schedule) {
        assertThat(KnativeCron.scheduleProblem(schedule)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            61 * * * *        | end of range (61) above maximum (59): 61
            * * * *           | expected 5 to 6 fields, found 4: [* * * *]
            0 0 0 * * * *     | expected 5 to 6 fields, found 7: [0 0 0 * * * *]
            0 0 * * 7         | end of range (7) above maximum (6): 7
            0 0 0 * *         | beginning of range (0) below minimum (1): 0
            5-1 * * * *       | beginning of range (5) beyond end of range (1): 5-1
            */0 * * * *       | step of range should be a positive number: */0
            @every 1h         | unsupported descriptor @every
            @fortnightly      | unrecognized descriptor: @fortnightly
            CRON_TZ=Mars/X 5 * * * * | provided bad location Mars/X
            x * * * *         | failed to parse int from x
            """)
    void schedulesRobfigRefuses(String schedule, String problem) {
        assertThat(KnativeCron.scheduleProblem(schedule)).hasValue(problem);
    }
}
