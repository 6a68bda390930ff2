package dev.serverlessapp.support.claim;

import java.time.Duration;

/**
 * Our claim is no longer ours: its lease lapsed (the holder stalled) and another holder took it over.
 * That holder now does the work and stores the answer, so the caller is told to retry, as for any claim
 * that someone else holds.
 */
public class ClaimLostException extends ClaimHeldException {

    public ClaimLostException() {
        super(Duration.ofSeconds(1), "Another holder took this work over after a stall; retry later");
    }
}
