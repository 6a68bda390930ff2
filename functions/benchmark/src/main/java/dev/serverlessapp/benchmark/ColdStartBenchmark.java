package dev.serverlessapp.benchmark;

import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.workloads.Fixtures;
import dev.serverlessapp.workloads.FunctionLaunch;
import dev.serverlessapp.workloads.Stats;
import dev.serverlessapp.workloads.Workload;
import dev.serverlessapp.workloads.Workloads;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Cold start and footprint of every function module, against a bare Reactor Netty server, in one
 * run on one JDK. Run from the repository root after packaging (README, "Benchmarks"):
 * <pre>./mvnw -B -q verify -pl functions/benchmark -am -DskipTests -Pbenchmark -Dbenchmark.args="--runs=5"</pre>
 * Options: {@code --runs} (rounds, 5), {@code --requests} (per load, 300), {@code --concurrency} (8),
 * {@code --functions} (comma-separated, default every function module), {@code --variants}
 * (default {@code floor,jar,jib_default,image}; every {@link Variant} by its lower-case name, e.g.
 * {@code floor,peer_spring,peer_quarkus,peer_quarkus_aot,image,image_c2,image_steps}), {@code --ceiling=false}
 * (skips user-api's backend ceiling), {@code --out} (the Markdown report,
 * functions/benchmark/target/benchmark-results.md). To try a setting without rebuilding:
 * {@code --flags} (JVM flags added to every function launch, space-separated) and {@code --env}
 * (variables for every function, {@code NAME=value;NAME=value}).
 * <p>
 * Each round launches the floor and the peers once and every function in every variant, one process at
 * a time, each onto a machine that has gone quiet after the previous load; for user-api it also drives its
 * backend calls directly (its ceiling, {@link UserApiCeiling}). Ratios are taken within a round, so a machine that is busier in one round than another skews
 * the absolute figures more than the ratios.
 */
public final class ColdStartBenchmark {

    /** Each launch waits, at most this long, until under this share of the CPUs is busy (CpuSplit). */
    private static final double IDLE_SHARE = 0.15;
    private static final Duration IDLE_WAIT = Duration.ofSeconds(30);

    private final Map<String, String> options;
    private final Fixtures fixtures = new Fixtures();
    private final Path scratch;
    private final Path logs;
    /** Per variant key ("floor" or "function / variant"), one measurement per round. */
    private final Map<String, List<Measurement>> results = new LinkedHashMap<>();
    /** Per function, the start-up report of each round (IMAGE_STEPS): milliseconds by component. */
    private final Map<String, List<Map<String, Double>>> steps = new LinkedHashMap<>();
    /** user-api's backend ceiling, sign-ups per second, one per round. */
    private final List<Double> ceiling = new ArrayList<>();
    /** Where the machine's CPU went during each round's ceiling pass, per sign-up. */
    private final List<CpuSplit> ceilingCpu = new ArrayList<>();
    private String loadBefore;

    private ColdStartBenchmark(Map<String, String> options) throws IOException {
        this.options = options;
        this.scratch = Files.createDirectories(Path.of("functions/benchmark/target/benchmark"));
        this.logs = Files.createDirectories(scratch.resolve("logs"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "true");
        }
        try {
            new ColdStartBenchmark(options).run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            // The backends run on non-daemon threads and child processes: stop them with the JVM.
            System.exit(1);
        }
        System.exit(0);
    }

    private int option(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private void run() throws Exception {
        int runs = option("runs", 5);
        int requests = option("requests", 300);
        int concurrency = option("concurrency", 8);
        List<Variant> variants = Arrays.stream(options.getOrDefault("variants", "floor,jar,jib_default,image")
                .split(",")).map(v -> Variant.valueOf(v.trim().toUpperCase())).toList();
        Map<String, Workload> functions = functions();
        boolean withCeiling = functions.containsKey("user-api") && !"false".equals(options.get("ceiling"));
        loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        System.err.printf("Benchmark: %s on %s, %d runs, load %d requests x %d concurrent; load average %s%n",
                functions.keySet(), Runtime.version(), runs, requests, concurrency, loadBefore);

        // Only file-processor reads the uploads, and S3Proxy keeps them in its heap (about 1 MB each).
        fixtures.start(functions.containsKey("file-processor") ? requests + 1 : 0);
        try (UserApiCeiling userApiCeiling = withCeiling ? new UserApiCeiling(fixtures, "none") : null) {
            for (int round = 1; round <= runs; round++) {
                for (Variant variant : variants) {
                    if (variant.standsAlone()) {
                        Workload workload = variant == Variant.FLOOR ? new Workloads.EmailWorker()
                                : new Workloads.Peer(variant == Variant.PEER_SPRING ? "peer-spring-webflux" : "peer-quarkus");
                        measure(variant.label, variant, null, workload, round, requests, concurrency);
                    }
                }
                for (var function : functions.entrySet()) {
                    if (userApiCeiling != null && function.getKey().equals("user-api")) {
                        UserApiCeiling.Result result = userApiCeiling.measure(fixtures.freshTable(), requests, concurrency);
                        double signUps = result.signUpsPerSecond();
                        ceiling.add(signUps);
                        ceilingCpu.add(result.cpu());
                        System.err.printf("round %d  %-48s %6.0f sign-ups/s  machine CPU %5.2f ms each%n", round,
                                "user-api backend ceiling", signUps, result.cpu().machine());
                    }
                    for (Variant variant : variants) {
                        if (!variant.standsAlone()) {
                            measure(function.getKey() + " / " + variant.label, variant,
                                    Path.of("functions", function.getKey()), function.getValue(), round, requests,
                                    concurrency);
                        }
                    }
                }
            }
        }
        String report = report(runs, requests, concurrency);
        Path out = Path.of(options.getOrDefault("out", scratch.resolveSibling("benchmark-results.md").toString()));
        Files.writeString(out, report);
        System.out.println(report);
        System.err.println("Written to " + out);
    }

    /** Every function module that has been packaged; each must have a workload. */
    private Map<String, Workload> functions() throws IOException {
        List<String> wanted = options.containsKey("functions")
                ? List.of(options.get("functions").split(","))
                : null;
        Map<String, Workload> found = new LinkedHashMap<>();
        try (var dirs = Files.list(Path.of("functions"))) {
            for (Path dir : dirs.sorted().toList()) {
                String name = dir.getFileName().toString();
                boolean isFunction = Files.isRegularFile(dir.resolve("src/main/resources/application.yaml"));
                if (!isFunction || (wanted != null && !wanted.contains(name))) {
                    continue;
                }
                if (!Files.isRegularFile(Variant.imageLayout(dir).resolve("app.aot"))) {
                    throw new IllegalStateException(name + " is not packaged with its AOT cache: run the "
                            + "benchmark through Maven (see ColdStartBenchmark) so that the reactor packages it");
                }
                found.put(name, Workloads.forFunction(name).orElseThrow(() -> new IllegalStateException(
                        "No workload for " + name + ": add one to Workloads (module workloads)")));
            }
        }
        return found;
    }

    private void measure(String key, Variant variant, Path functionDir, Workload workload, int round,
            int requests, int concurrency) throws Exception {
        String table = fixtures.freshTable();
        Map<String, String> env = new LinkedHashMap<>(fixtures.environment(table));
        env.putAll(workload.environment(fixtures));
        fixtures.clearMail();
        String run = "r" + round + "-" + Instant.now().toEpochMilli();
        Path log = logs.resolve(key.replaceAll("[^a-zA-Z0-9-]+", "_") + "-" + round + ".log");
        int port = Ports.free();
        Variant.Command command = variant.command(functionDir, scratch);
        if (!variant.standsAlone()) {
            env.putAll(variant.environment);
            env.putAll(extraEnvironment());
            command = command.withFlags(extraFlags());
        }
        Path stepsFile = variant == Variant.IMAGE_STEPS ? Variant.stepsFile(scratch, functionDir) : null;
        if (stepsFile != null) {
            Files.deleteIfExists(stepsFile);
        }
        if (!CpuSplit.awaitIdleMachine(IDLE_SHARE, IDLE_WAIT)) {
            System.err.printf("round %d  %s: the machine stayed busy for %s; launching anyway%n", round, key, IDLE_WAIT);
        }
        try (FunctionLaunch launch = FunctionLaunch.start(command.arguments(), command.directory(), env, port, log)) {
            URI base = launch.base();
            HttpRequest first = workload.request(base, fixtures, run, 0);
            double coldStart = launch.awaitFirstAnswer(first);
            double idleRss = launch.idleRssMb();
            FunctionLaunch.Load load = launch.load(n -> workload.request(base, fixtures, run, n + 1), requests, concurrency);
            CpuSplit.Meter meter = CpuSplit.start(launch::cpuMillis);
            FunctionLaunch.Load warm = launch.load(n -> workload.request(base, fixtures, run, requests + n + 1),
                    requests, concurrency);
            CpuSplit split = meter.perRequest(requests);
            double warmCpu = split.function();
            Measurement m = new Measurement(coldStart, idleRss, Math.max(load.maxRssMb(), warm.maxRssMb()),
                    load.eventsPerSecond(), load.p50Millis(), load.p99Millis(), warm.eventsPerSecond(), warmCpu, split);
            results.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
            System.err.printf("round %d  %-48s cold %6.0f ms  idle %5.0f MB  load %5.0f MB  %6.0f/s  p50 %5.1f ms  p99 %6.1f ms  warm %6.0f/s  %5.2f CPU ms each (machine %5.2f)%n",
                    round, key, coldStart, idleRss, m.loadRssMb(), load.eventsPerSecond(), load.p50Millis(),
                    load.p99Millis(), warm.eventsPerSecond(), warmCpu, split.machine());
            if (stepsFile != null) {
                steps.computeIfAbsent(functionDir.getFileName().toString(), k -> new ArrayList<>())
                        .add(readSteps(stepsFile, coldStart));
            }
        }
    }

    /** The start-up report (StartupReport), plus what is left of the cold start: the first request. */
    private static Map<String, Double> readSteps(Path file, double coldStart) throws IOException {
        Map<String, Double> millis = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] fields = line.split("\t");
            millis.put(fields[0], Double.parseDouble(fields[1]));
        }
        millis.put("first request (cold start − jvm until main − spring total)",
                coldStart - millis.getOrDefault("jvm until main", 0.0) - millis.getOrDefault("spring total", 0.0));
        millis.put("cold start", coldStart);
        return millis;
    }

    private List<String> extraFlags() {
        String flags = options.getOrDefault("flags", "").trim();
        return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
    }

    private Map<String, String> extraEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : options.getOrDefault("env", "").split(";")) {
            if (pair.contains("=")) {
                env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        return env;
    }

    private String report(int runs, int requests, int concurrency) {
        StringBuilder out = new StringBuilder();
        out.append("Run ").append(Instant.now()).append(" on JDK ").append(Runtime.version()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ").append(runs)
                .append(" rounds; load ").append(requests).append(" requests, ").append(concurrency)
                .append(" in flight; every JVM with ").append(Variant.CONTAINER_MEMORY)
                .append(options.containsKey("flags") ? "; functions also with " + options.get("flags") : "")
                .append(options.containsKey("env") ? "; functions' environment adds " + options.get("env") : "")
                .append(". Load average (1, 5, 15 min) before: ").append(loadBefore).append("; after: ")
                .append(loadAverage()).append(".\n")
                .append("Median (min–max) over the rounds. Ratios are to the floor in the same round. events/s, p50 "
                        + "and p99: the first load, right after the start; warm events/s: a second load of the same size; warm CPU "
                        + "ms: the process's CPU time per request of that second load.\n\n");
        out.append("| function / variant | cold start ms | × floor | idle RSS MB | × floor | RSS under load MB "
                + "| × floor | events/s | × floor | p50 ms | × floor | p99 ms | × floor | warm events/s | × floor "
                + "| warm CPU ms | × floor |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<Measurement> floor = results.get("floor");
        for (var entry : results.entrySet()) {
            List<Measurement> ms = entry.getValue();
            out.append("| ").append(entry.getKey());
            cell(out, ms, floor, Measurement::coldStartMillis, "%.0f");
            cell(out, ms, floor, Measurement::idleRssMb, "%.0f");
            cell(out, ms, floor, Measurement::loadRssMb, "%.0f");
            cell(out, ms, floor, Measurement::eventsPerSecond, "%.0f");
            cell(out, ms, floor, Measurement::p50Millis, "%.1f");
            cell(out, ms, floor, Measurement::p99Millis, "%.1f");
            cell(out, ms, floor, Measurement::warmEventsPerSecond, "%.0f");
            cell(out, ms, floor, Measurement::warmCpuMillis, "%.2f");
            out.append(" |\n");
        }
        ceilingReport(out);
        stepsReport(out);
        return out.toString();
    }

    /** user-api's warmed throughput as a share of what its backend calls allow, round by round. */
    private void ceilingReport(StringBuilder out) {
        if (ceiling.isEmpty()) {
            return;
        }
        out.append("\nuser-api against its backend ceiling (its sign-up's calls driven directly, same round, fresh table): ")
                .append(Stats.of(ceiling).format("%.0f")).append(" sign-ups/s.\n\n");
        out.append("| variant | warm events/s | × ceiling | warm CPU ms per sign-up |\n|---|---|---|---|\n");
        for (var entry : results.entrySet()) {
            if (!entry.getKey().startsWith("user-api / ")) {
                continue;
            }
            List<Double> warm = entry.getValue().stream().map(Measurement::warmEventsPerSecond).toList();
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(warm.size(), ceiling.size()); i++) {
                ratios.add(warm.get(i) / ceiling.get(i));
            }
            out.append("| ").append(entry.getKey()).append(" | ").append(Stats.of(warm).format("%.0f")).append(" | ")
                    .append(Stats.of(ratios).format("%.2f")).append(" | ")
                    .append(Stats.of(entry.getValue().stream().map(Measurement::warmCpuMillis).toList()).format("%.2f"))
                    .append(" |\n");
        }
        out.append("\nWhere the machine's CPU went per sign-up, ms (CpuSplit; the benchmark JVM is the load generator or the "
                + "ceiling's own SDK client, plus ElasticMQ and the SMTP catcher; the others are dynalite, S3Proxy and the OS):\n\n");
        out.append("| pass | machine | user-api | benchmark JVM | others | CPUs busy |\n|---|---|---|---|---|---|\n");
        cpuRow(out, "backend ceiling", ceilingCpu);
        for (var entry : results.entrySet()) {
            if (entry.getKey().startsWith("user-api / ")) {
                cpuRow(out, entry.getKey(), entry.getValue().stream().map(Measurement::warmCpu).toList());
            }
        }
    }

    private static void cpuRow(StringBuilder out, String pass, List<CpuSplit> splits) {
        out.append("| ").append(pass);
        for (ToDoubleFunction<CpuSplit> part : List.<ToDoubleFunction<CpuSplit>>of(CpuSplit::machine,
                CpuSplit::function, CpuSplit::benchmark, CpuSplit::others)) {
            out.append(" | ").append(Stats.of(splits.stream().map(part::applyAsDouble).toList()).format("%.2f"));
        }
        out.append(" | ").append(Stats.of(splits.stream().map(split -> split.busyShare() * 100).toList()).format("%.0f"))
                .append(" % |\n");
    }

    /** Where each function's start-up goes (IMAGE_STEPS): milliseconds by component, median over the rounds. */
    private void stepsReport(StringBuilder out) {
        if (steps.isEmpty()) {
            return;
        }
        List<String> components = new ArrayList<>();
        steps.values().forEach(rounds -> rounds.forEach(round -> round.keySet().forEach(component -> {
            if (!components.contains(component)) {
                components.add(component);
            }
        })));
        out.append("\nStart-up by component (variant \"").append(Variant.IMAGE_STEPS.label)
                .append("\", StartupReport): each Spring step's own time, ms, median (min–max) over the rounds.\n\n");
        out.append("| component |");
        steps.keySet().forEach(function -> out.append(' ').append(function).append(" |"));
        out.append("\n|---|");
        steps.keySet().forEach(function -> out.append("---|"));
        out.append('\n');
        for (String component : components) {
            out.append("| ").append(component).append(" |");
            for (var rounds : steps.values()) {
                List<Double> values = rounds.stream().map(round -> round.getOrDefault(component, 0.0)).toList();
                out.append(' ').append(Stats.of(values).format("%.0f")).append(" |");
            }
            out.append('\n');
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void cell(StringBuilder out, List<Measurement> ms, List<Measurement> floor,
            ToDoubleFunction<Measurement> metric, String pattern) {
        out.append(" | ").append(Stats.of(ms.stream().map(metric::applyAsDouble).toList()).format(pattern));
        if (floor == null) {
            out.append(" | –");
            return;
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(ms.size(), floor.size()); i++) {
            ratios.add(metric.applyAsDouble(ms.get(i)) / metric.applyAsDouble(floor.get(i)));
        }
        out.append(" | ").append(Stats.of(ratios).format("%.2f"));
    }
}
