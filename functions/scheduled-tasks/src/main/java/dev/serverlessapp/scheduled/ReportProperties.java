package dev.serverlessapp.scheduled;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param bucket       where the hourly reports go ({@code S3_BUCKET})
 * @param catchupHours how far back a fresh install looks, and the most hours one run catches up per
 *                     task; the rest follow on the next ping ({@code REPORT_CATCHUP_HOURS})
 */
@ConfigurationProperties("reports")
public record ReportProperties(String bucket, int catchupHours) {

    public ReportProperties {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("Set S3_BUCKET: the bucket the hourly reports are written to");
        }
        if (catchupHours < 1) {
            throw new IllegalArgumentException("REPORT_CATCHUP_HOURS must be at least 1, not " + catchupHours);
        }
    }
}
