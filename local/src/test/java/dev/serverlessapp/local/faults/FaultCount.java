package dev.serverlessapp.local.faults;

import dev.serverlessapp.local.faults.CarefulClient.Ending;
import dev.serverlessapp.local.faults.CarefulClient.Outcome;
import dev.serverlessapp.local.faults.CaughtWelcomes.Welcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a fault run ended with, counted from where each thing lives: the clients' answers, the users in
 * the table, the mails in the SMTP catcher, the runtime's dead letters and the email queue's SQS
 * dead-letter queue.
 */
record FaultCount(int users, int created, int stored, List<String> lost, List<Outcome> gaveUp, List<Outcome> emailTaken,
                  List<Outcome> refused, int welcomes, List<StoredUser> missing, List<String> late,
                  List<String> duplicateWelcomes, List<String> duplicateUsers, List<String> deadLetters,
                  int sqsDeadLetters, List<String> orphanClaims, int hourlyJobRuns, Duration slowestWelcome,
                  Map<String, Integer> answers) {

    /** A user as the table holds it. */
    record StoredUser(String id, String email, String welcome, int welcomeRequeues, Instant created) {
    }

    static FaultCount of(List<Outcome> outcomes, List<StoredUser> table, List<String> claimedEmails,
                         Map<String, List<Welcome>> welcomes, List<FaultPlan.Window> windows, Duration within,
                         List<String> deadLetters, int sqsDeadLetters, int hourlyJobRuns) {
        Map<String, Outcome> byEmail = outcomes.stream().collect(Collectors.toMap(Outcome::email, o -> o));
        Map<String, List<StoredUser>> storedByEmail = table.stream().filter(u -> byEmail.containsKey(u.email()))
                .collect(Collectors.groupingBy(StoredUser::email));
        Map<String, StoredUser> storedById = table.stream().collect(Collectors.toMap(StoredUser::id, u -> u, (a, b) -> a));

        List<Outcome> created = outcomes.stream().filter(o -> o.ending() == Ending.CREATED).toList();
        List<String> lost = created.stream().filter(o -> !storedById.containsKey(o.userId()))
                .map(o -> o.email() + " (201 with user " + o.userId() + ", not in the table)").toList();

        List<StoredUser> missing = new ArrayList<>();
        List<String> late = new ArrayList<>();
        List<String> duplicateWelcomes = new ArrayList<>();
        Duration slowest = Duration.ZERO;
        int welcomeCount = 0;
        for (List<StoredUser> users : storedByEmail.values()) {
            StoredUser user = users.getFirst();
            List<Welcome> mails = welcomes.getOrDefault(user.email(), List.of());
            welcomeCount += mails.size();
            if (mails.isEmpty()) {
                missing.add(user);
                continue;
            }
            if (mails.size() > 1) {
                duplicateWelcomes.add(user.email() + " (" + mails.size() + " welcomes)");
            }
            Outcome client = byEmail.get(user.email());
            Instant from = client.ending() == Ending.CREATED ? client.ended() : user.created();
            Instant first = mails.stream().map(Welcome::seen).min(Comparator.naturalOrder()).orElseThrow();
            Instant due = due(from, windows, within);
            Duration after = Duration.between(from, first);
            if (after.compareTo(slowest) > 0) {
                slowest = after;
            }
            if (first.isAfter(due)) {
                late.add(user.email() + " (" + Duration.between(due, first).toSeconds() + " s late, "
                        + after.toSeconds() + " s after its sign-up)");
            }
        }
        List<String> duplicateUsers = storedByEmail.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + " (" + e.getValue().size() + " users)").toList();
        List<String> orphanClaims = claimedEmails.stream().filter(byEmail::containsKey)
                .filter(email -> !storedByEmail.containsKey(email)).toList();
        Map<String, Integer> answers = new TreeMap<>();
        outcomes.forEach(o -> o.answers().forEach((answer, n) -> answers.merge(answer, n, Integer::sum)));
        return new FaultCount(outcomes.size(), created.size(), storedByEmail.size(), lost,
                filter(outcomes, Ending.GAVE_UP), filter(outcomes, Ending.EMAIL_TAKEN), filter(outcomes, Ending.REFUSED),
                welcomeCount, missing, late, duplicateWelcomes, duplicateUsers, deadLetters, sqsDeadLetters,
                orphanClaims, hourlyJobRuns, slowest, answers);
    }

    /**
     * When a welcome is due: {@code within} after its sign-up; a fault that begins before that moves it to
     * {@code within} after the fault ends, and so on, for as long as faults keep coming.
     */
    static Instant due(Instant from, List<FaultPlan.Window> windows, Duration within) {
        Instant due = from.plus(within);
        boolean moved = true;
        while (moved) {
            moved = false;
            for (FaultPlan.Window window : windows) {
                if (!window.start().isAfter(due) && window.end().plus(within).isAfter(due)) {
                    due = window.end().plus(within);
                    moved = true;
                }
            }
        }
        return due;
    }

    private static List<Outcome> filter(List<Outcome> outcomes, Ending ending) {
        return outcomes.stream().filter(o -> o.ending() == ending).toList();
    }

    /** The counts as a small table, then the first few of each kind of failure, with what the client saw. */
    String report(long seed, FaultPlan plan, List<FaultPlan.Window> windows) {
        StringBuilder out = new StringBuilder();
        out.append("Fault suite, seed ").append(seed).append(" (repeat with -Dfuzz.seed=").append(seed).append("), ")
                .append(plan).append('\n');
        windows.forEach(w -> out.append("  ").append(w).append('\n'));
        out.append("| users | 2xx | stored | lost | gave up | own 409 | refused | welcomes | missing | late (>")
                .append(plan.welcomeWithin().toSeconds()).append(" s) | duplicates | dead letters | hourly job |\n");
        out.append("|%6d |%4d |%7d |%5d |%8d |%8d |%8d |%9d |%8d |%14d |%11d |%13s |%11s |\n".formatted(users, created,
                stored, lost.size(), gaveUp.size(), emailTaken.size(), refused.size(), welcomes, missing.size(),
                late.size(), duplicateWelcomes.size() + duplicateUsers.size(), deadLetters.size() + " + " + sqsDeadLetters,
                hourlyJobRuns == 0 ? "did not run" : "ran " + hourlyJobRuns + "×"));
        out.append("(dead letters: the broker's + the email queue's SQS dead-letter queue; slowest welcome ")
                .append(slowestWelcome.toSeconds()).append(" s after its sign-up; email claims without a user: ")
                .append(orphanClaims.size()).append(")\n");
        out.append("answers the clients got: ").append(answers).append('\n');
        section(out, "lost", lost, Function.identity());
        section(out, "gave up", gaveUp, CarefulClient.Outcome::toString);
        section(out, "409 for their own sign-up", emailTaken, CarefulClient.Outcome::toString);
        section(out, "refused", refused, CarefulClient.Outcome::toString);
        section(out, "no welcome", missing, StoredUser::toString);
        section(out, "late", late, Function.identity());
        section(out, "duplicates", duplicateWelcomes, Function.identity());
        section(out, "duplicate users", duplicateUsers, Function.identity());
        section(out, "dead letters", deadLetters, Function.identity());
        section(out, "email claims without a user", orphanClaims, Function.identity());
        return out.toString();
    }

    private static <T> void section(StringBuilder out, String title, List<T> items, Function<T, String> describe) {
        if (items.isEmpty()) {
            return;
        }
        out.append(title).append(" (").append(items.size()).append("), the first ones:\n");
        items.stream().limit(8).forEach(item -> out.append("  ").append(describe.apply(item)).append('\n'));
    }
}
