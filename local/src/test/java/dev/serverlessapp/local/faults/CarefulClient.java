package dev.serverlessapp.local.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signs one user up as a careful real client does: every attempt carries the same
 * {@code Idempotency-Key}; it retries what README says to retry (503 and other 5xx, 429, a 409 that
 * says the same request is still in progress, a timeout, a lost connection) with exponential backoff
 * and jitter, never sooner than {@code Retry-After}; it stops at a 201, at a final 4xx, or when its
 * budget is spent.
 */
final class CarefulClient {

    /** How a sign-up ended for its client. */
    enum Ending {
        /** 201 Created: the client holds a user id. */
        CREATED,
        /** 409 "Email already registered": for this client's own sign-up, since every client has its own address. */
        EMAIL_TAKEN,
        /** Another final 4xx. */
        REFUSED,
        /** Still no final answer when the budget ran out. */
        GAVE_UP
    }

    /** What one client saw: how it ended, when, and every answer it got on the way. */
    record Outcome(String email, Ending ending, String userId, Instant firstAttempt, Instant ended, int attempts,
                   Map<String, Integer> answers, String lastAnswer) {
    }

    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final URI users;
    private final Duration requestTimeout;
    private final Duration budget;

    CarefulClient(HttpClient http, URI users, Duration requestTimeout, Duration budget) {
        this.http = http;
        this.users = users;
        this.requestTimeout = requestTimeout;
        this.budget = budget;
    }

    /**
     * Signs up {@code email} under {@code key}. {@code address} goes in {@code X-Forwarded-For}, as an ingress
     * would add it, so that each client has its own rate limit as distinct clients on the internet do.
     */
    Outcome signUp(String name, String email, String key, String address, Random random) {
        String body = "{\"name\":\"" + name + "\",\"email\":\"" + email + "\"}";
        Instant first = Instant.now();
        Instant deadline = first.plus(budget);
        Map<String, Integer> answers = new TreeMap<>();
        String last = "none";
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(users)
                        .timeout(requestTimeout)
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .header("X-Forwarded-For", address)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                last = (status + " " + title(response.body())).trim();
                answers.merge(last, 1, Integer::sum);
                if (status == 201) {
                    String location = response.headers().firstValue("Location").orElse("");
                    return new Outcome(email, Ending.CREATED, location.substring(location.lastIndexOf('/') + 1), first,
                            Instant.now(), attempt, answers, last);
                }
                if (status == 409 && !inProgress(response)) {
                    return new Outcome(email, Ending.EMAIL_TAKEN, null, first, Instant.now(), attempt, answers, last);
                }
                if (status < 500 && status != 409 && status != 429 && status != 408) {
                    return new Outcome(email, Ending.REFUSED, null, first, Instant.now(), attempt, answers, last);
                }
                wait = max(backoff(attempt, random), retryAfter(response));
            } catch (HttpTimeoutException e) {
                last = "timeout after " + requestTimeout.toSeconds() + " s";
                answers.merge(last, 1, Integer::sum);
                wait = backoff(attempt, random);
            } catch (IOException e) {
                last = "connection lost";
                answers.merge(last, 1, Integer::sum);
                wait = backoff(attempt, random);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(email, Ending.GAVE_UP, null, first, Instant.now(), attempt, answers, "interrupted");
            }
            if (Instant.now().plus(wait).isAfter(deadline)) {
                return new Outcome(email, Ending.GAVE_UP, null, first, Instant.now(), attempt, answers, last);
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(email, Ending.GAVE_UP, null, first, Instant.now(), attempt, answers, "interrupted");
            }
        }
    }

    /** A 409 the client should wait out: the same request is still being handled (README's error table). */
    static boolean inProgress(HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").isPresent()
                || title(response.body()).toLowerCase(java.util.Locale.ROOT).contains("in progress");
    }

    /** Full jitter on an exponential backoff: a crowd of clients does not come back at the same instant. */
    static Duration backoff(int attempt, Random random) {
        long cap = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16));
        return Duration.ofMillis(cap / 2 + (long) (random.nextDouble() * cap / 2));
    }

    static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(CarefulClient::seconds)
                .map(Duration::ofSeconds).orElse(Duration.ZERO);
    }

    private static Optional<Long> seconds(String value) {
        try {
            return Optional.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The problem detail's title, or nothing when the body is not one. */
    static String title(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.hasNonNull("title") ? node.get("title").asString() : "";
        } catch (RuntimeException e) {
            return "";
        }
    }
}
