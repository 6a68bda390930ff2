package dev.serverlessapp.local.http;

import java.time.Duration;

/** Door timeouts short enough that a test of them takes seconds; the tests' own waits stay generous. */
public final class ShortTimeouts {

    public static final FrontDoor.Timeouts TIMEOUTS = new FrontDoor.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(3));

    private ShortTimeouts() {
    }
}
