package dev.serverlessapp.local.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One run of a fault suite: how many users sign up (or files are uploaded) and how many at once, which
 * faults hit them, and the client's and the count's time limits. Each fault waits for a seeded point of the sign-ups (the
 * n-th client starting) and a seeded gap after the previous fault, so that it lands in the middle of
 * the traffic however fast the machine is.
 *
 * @param users          clients, each signing up one user with its own address
 * @param concurrency    clients at once at most; the others wait for a place, as a queue of visitors
 * @param steps          the faults, in order, each with the point of the sign-ups it waits for
 * @param requestTimeout how long a client waits for one answer before it gives up on that attempt
 * @param clientBudget   how long a client keeps retrying before it gives up on its sign-up
 * @param welcomeWithin  the promise counted: a welcome (or a processed file) within this time of its sign-up
 *                       (upload) or of the fault that held it up ending
 * @param waitAtMost     how long after the last fault or client the count waits for welcomes (processed files)
 */
record FaultPlan(String size, int users, int concurrency, List<Step> steps, Duration requestTimeout,
                 Duration clientBudget, Duration welcomeWithin, Duration waitAtMost) {

    /** Something done to the running system. */
    sealed interface Fault {
    }

    /** A fault, once {@code afterSignUps} clients have started and {@code gapBefore} has passed since the last. */
    record Step(Fault fault, int afterSignUps, Duration gapBefore) {
    }

    /** SIGKILL of a function's process, wherever it is in its work. */
    record Kill(String function) implements Fault {
        @Override
        public String toString() {
            return "kill -9 " + function;
        }
    }

    /** No byte to or from the backend moves for {@code length}; then what was held is delivered late. */
    record Stall(String backend, Duration length) implements Fault {
        @Override
        public String toString() {
            return backend + " stalled " + length.toSeconds() + " s";
        }
    }

    /** The local runtime stopped and started again on its data folder, as Ctrl-C and ./serverless-local do. */
    record Restart() implements Fault {
        @Override
        public String toString() {
            return "runtime restart";
        }
    }

    /** When a fault happened: the count measures each welcome from the end of the faults that held it up. */
    record Window(Fault fault, Instant start, Instant end, String note) {
        @Override
        public String toString() {
            return fault + " " + note;
        }
    }

    static final String DYNAMODB = "DynamoDB";
    static final String SQS = "SQS";
    static final String S3 = "S3";

    /** The CI size: a few of every fault, about two to three minutes on a 2-core machine. */
    static FaultPlan small(Random random) {
        int users = Integer.getInteger("faults.users", 24);
        List<Fault> faults = List.of(
                new Kill("email-worker"),
                new Kill("user-api"),
                // Longer than AWS_API_CALL_TIMEOUT (10 s), so calls time out and their writes land late.
                new Stall(DYNAMODB, Duration.ofSeconds(12)),
                // Longer than user-api's 5 s bound on queueing a welcome.
                new Stall(SQS, Duration.ofSeconds(8)),
                new Restart());
        return new FaultPlan("small", users, 4, steps(faults, users, Duration.ofSeconds(3), Duration.ofSeconds(10), random),
                Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofMinutes(4));
    }

    /** Issue 12's run: 1 000 users, 3 kills of email-worker, 1 of user-api, a 20 s DynamoDB stall, a restart. */
    static FaultPlan large(Random random) {
        int users = Integer.getInteger("faults.users", 1000);
        List<Fault> faults = List.of(
                new Kill("email-worker"),
                new Kill("email-worker"),
                new Kill("email-worker"),
                new Kill("user-api"),
                new Stall(DYNAMODB, Duration.ofSeconds(20)),
                new Restart());
        return new FaultPlan("large", users, 16, steps(faults, users, Duration.ofSeconds(20), Duration.ofSeconds(50), random),
                Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofMinutes(6));
    }

    /** The upload suite's CI size: file-processor killed twice, S3 and DynamoDB stalled, a restart. */
    static FaultPlan uploadsSmall(Random random) {
        int uploads = Integer.getInteger("faults.uploads", 24);
        List<Fault> faults = List.of(
                new Kill("file-processor"),
                new Kill("file-processor"),
                new Stall(S3, Duration.ofSeconds(12)),
                new Stall(DYNAMODB, Duration.ofSeconds(12)),
                new Restart());
        return new FaultPlan("small", uploads, 4, steps(faults, uploads, Duration.ofSeconds(3), Duration.ofSeconds(10), random),
                Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofMinutes(4));
    }

    /** The upload suite's large run: 600 uploads, 3 kills of file-processor, 20 s stalls of S3 and DynamoDB, a restart. */
    static FaultPlan uploadsLarge(Random random) {
        int uploads = Integer.getInteger("faults.uploads", 600);
        List<Fault> faults = List.of(
                new Kill("file-processor"),
                new Kill("file-processor"),
                new Kill("file-processor"),
                new Stall(S3, Duration.ofSeconds(20)),
                new Stall(DYNAMODB, Duration.ofSeconds(20)),
                new Restart());
        return new FaultPlan("large", uploads, 8, steps(faults, uploads, Duration.ofSeconds(20), Duration.ofSeconds(50), random),
                Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofMinutes(6));
    }

    /** {@code -Dfaults=large} or the shared {@code -Dfuzz.scale=large}. */
    static boolean largeRequested(boolean fuzzLarge) {
        return fuzzLarge || "large".equalsIgnoreCase(System.getProperty("faults", "").trim());
    }

    /** The faults in a seeded order, at seeded points between a tenth and nine tenths of the sign-ups. */
    private static List<Step> steps(List<Fault> faults, int users, Duration minGap, Duration maxGap, Random random) {
        List<Fault> order = new ArrayList<>(faults);
        Collections.shuffle(order, random);
        List<Integer> points = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            points.add(users / 10 + random.nextInt(Math.max(1, users * 8 / 10)));
        }
        Collections.sort(points);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            long gap = minGap.toMillis() + (long) (random.nextDouble() * (maxGap.toMillis() - minGap.toMillis()));
            steps.add(new Step(order.get(i), points.get(i), Duration.ofMillis(gap)));
        }
        return List.copyOf(steps);
    }

    /** About how long the faults take; the sign-ups are spread over this, so that every fault meets traffic. */
    Duration length() {
        Duration total = Duration.ZERO;
        for (Step step : steps) {
            total = total.plus(step.gapBefore()).plus(switch (step.fault()) {
                case Stall stall -> stall.length();
                case Restart restart -> Duration.ofSeconds(30);
                case Kill kill -> Duration.ZERO;
            });
        }
        return total.plusSeconds(10);
    }

    @Override
    public String toString() {
        return size + ": " + users + " clients, " + concurrency + " at once; "
                + steps.stream().map(s -> s.fault() + " after " + s.afterSignUps() + " clients").toList();
    }
}
