package dev.serverlessapp.local.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One run of the fault suite: how many users sign up, which faults hit them (in a seeded order, after
 * seeded gaps, so that each lands at a different point of the sign-ups), and the client's and the
 * count's time limits.
 *
 * @param users          clients, each signing up one user with its own address
 * @param faults         what happens to the system, one after the other
 * @param requestTimeout how long a client waits for one answer before it gives up on that attempt
 * @param clientBudget   how long a client keeps retrying before it gives up on its sign-up
 * @param welcomeWithin  the promise counted: a welcome within this time of its sign-up or of the
 *                       fault that held it up ending
 * @param waitAtMost     how long after the last fault or client the count waits for welcomes
 */
record FaultPlan(String size, int users, List<Fault> faults, Duration requestTimeout, Duration clientBudget,
                 Duration welcomeWithin, Duration waitAtMost) {

    /** Something done to the running system, after {@code gapBefore} since the previous one ended. */
    sealed interface Fault {
        Duration gapBefore();
    }

    /** SIGKILL of a function's process, wherever it is in its work. */
    record Kill(String function, Duration gapBefore) implements Fault {
        @Override
        public String toString() {
            return "kill -9 " + function;
        }
    }

    /** No byte to or from the backend moves for {@code length}; then what was held is delivered late. */
    record Stall(String backend, Duration length, Duration gapBefore) implements Fault {
        @Override
        public String toString() {
            return backend + " stalled " + length.toSeconds() + " s";
        }
    }

    /** The local runtime stopped and started again on its data folder, as Ctrl-C and ./serverless-local do. */
    record Restart(Duration gapBefore) implements Fault {
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

    /** The CI size: a few of every fault, about two to three minutes on a 2-core machine. */
    static FaultPlan small(Random random) {
        List<Fault> faults = new ArrayList<>(List.of(
                new Kill("email-worker", gap(random)),
                new Kill("user-api", gap(random)),
                // Longer than AWS_API_CALL_TIMEOUT (10 s), so calls time out and their writes land late.
                new Stall(DYNAMODB, Duration.ofSeconds(12), gap(random)),
                // Longer than user-api's 5 s bound on queueing a welcome.
                new Stall(SQS, Duration.ofSeconds(8), gap(random)),
                new Restart(gap(random))));
        return new FaultPlan("small", Integer.getInteger("faults.users", 24), shuffled(faults, random),
                Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofMinutes(4));
    }

    /** Issue 12's run: 1 000 users, 3 kills of email-worker, 1 of user-api, a 20 s DynamoDB stall, a restart. */
    static FaultPlan large(Random random) {
        List<Fault> faults = new ArrayList<>(List.of(
                new Kill("email-worker", longGap(random)),
                new Kill("email-worker", longGap(random)),
                new Kill("email-worker", longGap(random)),
                new Kill("user-api", longGap(random)),
                new Stall(DYNAMODB, Duration.ofSeconds(20), longGap(random)),
                new Restart(longGap(random))));
        return new FaultPlan("large", Integer.getInteger("faults.users", 1000), shuffled(faults, random),
                Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofMinutes(6));
    }

    /** {@code -Dfaults=large} or the shared {@code -Dfuzz.scale=large}. */
    static boolean largeRequested(boolean fuzzLarge) {
        return fuzzLarge || "large".equalsIgnoreCase(System.getProperty("faults", "").trim());
    }

    /** About how long the faults take; the sign-ups are spread over this, so that every fault meets traffic. */
    Duration length() {
        Duration total = Duration.ZERO;
        for (Fault fault : faults) {
            total = total.plus(fault.gapBefore()).plus(switch (fault) {
                case Stall stall -> stall.length();
                case Restart restart -> Duration.ofSeconds(30);
                case Kill kill -> Duration.ZERO;
            });
        }
        return total.plusSeconds(10);
    }

    /** 3 to 10 s between faults: the small run is short. */
    private static Duration gap(Random random) {
        return Duration.ofMillis(3_000 + random.nextInt(7_000));
    }

    /** 20 to 50 s between faults: a thousand sign-ups spread over them, about four a second. */
    private static Duration longGap(Random random) {
        return Duration.ofMillis(20_000 + random.nextInt(30_000));
    }

    private static List<Fault> shuffled(List<Fault> faults, Random random) {
        Collections.shuffle(faults, random);
        return List.copyOf(faults);
    }

    @Override
    public String toString() {
        return size + ": " + users + " users; " + faults;
    }
}
