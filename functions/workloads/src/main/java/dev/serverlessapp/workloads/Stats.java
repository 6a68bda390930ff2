package dev.serverlessapp.workloads;

import java.util.Arrays;
import java.util.List;

/** Median and spread of a few runs, and percentiles of many latencies. */
public record Stats(double median, double min, double max) {

    public static Stats of(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN);
        }
        return new Stats(percentile(sorted, 50), sorted[0], sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile of sorted values. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public static double percentile(long[] nanos, double p) {
        double[] sorted = Arrays.stream(nanos).mapToDouble(n -> n / 1e6).sorted().toArray();
        return percentile(sorted, p);
    }

    public String format(String pattern) {
        return pattern.formatted(median) + " (" + pattern.formatted(min) + "–" + pattern.formatted(max) + ")";
    }
}
