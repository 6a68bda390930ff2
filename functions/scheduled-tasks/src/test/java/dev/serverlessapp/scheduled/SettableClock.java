package dev.serverlessapp.scheduled;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The application's clock in tests: each scenario says what time it is. */
final class SettableClock extends Clock {

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
