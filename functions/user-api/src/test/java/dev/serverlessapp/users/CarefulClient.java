package dev.serverlessapp.users;

import java.time.Duration;
import java.time.Instant;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client as README asks it to be: it retries a sign-up with the same Idempotency-Key after a 503, a
 * 409 "Already in progress" or a lost connection, waiting as Retry-After says, and stops at any other
 * answer. It never retries "Email already registered": for its own sign-up that answer is a bug.
 */
record CarefulClient(WebClient http, Duration giveUpAfter) {

    /** @param retryAfter the Retry-After header, in seconds; 1 when there is none */
    record Answer(int status, String title, JsonNode body, long retryAfter) {
    }

    static CarefulClient of(int port) {
        return new CarefulClient(WebClient.create("http://127.0.0.1:" + port), Duration.ofSeconds(60));
    }

    Answer signUp(String key, String body) {
        Instant giveUp = Instant.now().plus(giveUpAfter);
        Answer last = null;
        while (Instant.now().isBefore(giveUp)) {
            try {
                Answer answer = post(key, body);
                last = answer;
                boolean retry = answer.status() == 503 || (answer.status() == 409 && "Already in progress".equals(answer.title()));
                if (!retry) {
                    return answer;
                }
            } catch (RuntimeException lostConnection) {
                last = new Answer(-1, lostConnection.toString(), null, 1);
            }
            sleep(Duration.ofSeconds(Math.min(last.retryAfter(), 10)));
        }
        throw new AssertionError("No final answer within " + giveUpAfter + "; last: " + last);
    }

    Answer post(String key, String body) {
        return postLater(key, body).block(Duration.ofSeconds(60));
    }

    /** One attempt, sent when subscribed; nothing waits on a thread meanwhile. */
    Mono<Answer> postLater(String key, String body) {
        return http.post().uri("/users").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("{}").map(text -> {
                    JsonNode json = JsonMapper.shared().readTree(text);
                    String retryAfter = response.headers().asHttpHeaders().getFirst("Retry-After");
                    return new Answer(response.statusCode().value(), json.path("title").asString(""), json,
                            retryAfter == null ? 1 : Long.parseLong(retryAfter));
                }));
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
