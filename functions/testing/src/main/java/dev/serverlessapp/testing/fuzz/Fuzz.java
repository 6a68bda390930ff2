package dev.serverlessapp.testing.fuzz;

import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Seeded, repeatable generated cases for the fuzz suites. Every run uses the same seed unless told
 * otherwise, so a CI failure repeats on any machine; a failing case says the seed and the case number
 * that reproduce it.
 *
 * <ul>
 *   <li>{@code -Dfuzz.seed=N} (or {@code FUZZ_SEED}) picks another seed;</li>
 *   <li>{@code -Dfuzz.case=I} runs that one case only;</li>
 *   <li>{@code -Dfuzz.scale=large} (or {@code FUZZ_SCALE=large}) runs each suite at its large size
 *       instead of the small one CI runs.</li>
 * </ul>
 */
public final class Fuzz {

    /** The seed every run starts from unless {@code fuzz.seed} says otherwise. */
    public static final long DEFAULT_SEED = 20261202L;

    private Fuzz() {
    }

    /** One generated case: its number and a random source that depends only on the seed and that number. */
    @FunctionalInterface
    public interface Case {
        void run(Random random, int index) throws Exception;
    }

    public static long seed() {
        String value = setting("fuzz.seed", "FUZZ_SEED");
        return value == null ? DEFAULT_SEED : Long.parseLong(value.trim());
    }

    public static boolean large() {
        String value = setting("fuzz.scale", "FUZZ_SCALE");
        return value != null && value.trim().toLowerCase(Locale.ROOT).equals("large");
    }

    /** How many cases a suite runs: {@code small} in CI, {@code large} behind the flag. */
    public static int cases(int small, int large) {
        return large() ? large : small;
    }

    /**
     * Runs {@code cases(small, large)} cases of {@code body}, each with its own {@link Random} derived from
     * the seed and the case number. The first failure stops the run and names what reproduces it.
     */
    public static void run(String suite, int small, int large, Case body) {
        long seed = seed();
        String only = System.getProperty("fuzz.case");
        int count = cases(small, large);
        int first = only == null ? 0 : Integer.parseInt(only.trim());
        int last = only == null ? count : first + 1;
        for (int index = first; index < last; index++) {
            Random random = random(seed, index);
            try {
                body.run(random, index);
            } catch (Throwable failure) {
                String message = "%s failed at case %d of %d (seed %d). Reproduce: -Dfuzz.seed=%d -Dfuzz.case=%d"
                        .formatted(suite, index, count, seed, seed, index);
                System.err.println(message);
                throw new AssertionError(message + ": " + failure.getMessage(), failure);
            }
        }
    }

    /** The random source of one case: independent of the cases before it, so a case reruns on its own. */
    public static Random random(long seed, int index) {
        return new Random(new SplittableRandom(seed).split().nextLong() ^ (index * 0x9E3779B97F4A7C15L));
    }

    private static String setting(String property, String variable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
