package dev.serverlessapp.benchmark;

/**
 * What one launch of one variant measured.
 *
 * @param coldStartMillis     from process launch to the first 2xx answer to the real request
 * @param idleRssMb           resident memory a few seconds after that answer, with nothing to do
 * @param loadRssMb           the most resident memory seen during both loads
 * @param eventsPerSecond     answered requests per second under the first load, right after the start
 * @param p50Millis           median latency under the first load
 * @param p99Millis           99th percentile latency under the first load
 * @param warmEventsPerSecond answered requests per second under a second load of the same size (warmed)
 * @param warmCpuMillis       the process's CPU time (user and system) per request of that second load: what
 *                            the function itself spends, less sensitive than throughput to what else runs
 * @param warmCpu             where the whole machine's CPU went during that second load, per request
 */
record Measurement(double coldStartMillis, double idleRssMb, double loadRssMb, double eventsPerSecond,
        double p50Millis, double p99Millis, double warmEventsPerSecond, double warmCpuMillis,
        CpuSplit warmCpu) {
}
