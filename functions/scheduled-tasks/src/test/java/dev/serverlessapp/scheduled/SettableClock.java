package dev.serverlessapp.scheduled;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The application's clock in tests: each scenario says what time it is. */
final class SettableClock extends Clock {

    /** Replaces function-support's system clock; import it into a test with {@code @Import}. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Config {
        @Bean
        SettableClock testClock() {
            return new SettableClock();
        }
    }

    private volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

    void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("The app works in UTC");
    }
}
