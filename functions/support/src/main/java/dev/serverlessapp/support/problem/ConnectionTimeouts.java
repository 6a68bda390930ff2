package dev.serverlessapp.support.problem;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long a function's connection waits for its next request head (see {@code RequestHeadTimeout}).
 *
 * @param idleTimeout how long a connection may stay idle before its next request ({@code CONNECTION_IDLE_TIMEOUT});
 *                    longer than the 90 s Knative's queue-proxy keeps an idle connection to the function, so
 *                    that the proxy, not the function, closes it: a close from this side could cross a request
 *                    the proxy has just sent
 * @param headTimeout how long a request line and headers may take once their first bytes have come
 *                    ({@code REQUEST_HEAD_TIMEOUT}); then 408
 */
@ConfigurationProperties("app.connection")
public record ConnectionTimeouts(Duration idleTimeout, Duration headTimeout) {
}
