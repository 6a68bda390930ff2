package dev.serverlessapp.users;

import dev.serverlessapp.support.deadline.RequestDeadline;
import dev.serverlessapp.support.idempotency.IdempotencyProperties;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.problem.PermanentFailure;
import dev.serverlessapp.support.problem.Problems;
import java.net.URI;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** HTTP for users: paths, status codes, the Idempotency-Key header and problem details. */
@Configuration(proxyBeanMethods = false)
public class UserRoutes {

    static final int MAX_BODY_BYTES = 16 * 1024;
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

    /** The seed's response shape. */
    record Created(User user, String message) {
        Created(User user) {
            this(user, "User created successfully");
        }
    }

    private final UserService users;
    private final IdempotencyStore idempotency;
    private final IdempotencyProperties idempotencyProperties;
    private final JsonMapper json;

    public UserRoutes(UserService users, IdempotencyStore idempotency, IdempotencyProperties idempotencyProperties,
            JsonMapper json) {
        this.users = users;
        this.idempotency = idempotency;
        this.idempotencyProperties = idempotencyProperties;
        this.json = json;
    }

    @Bean
    RouterFunction<ServerResponse> userRouter() {
        return RouterFunctions.route()
                // Each answer within REQUEST_DEADLINE, else 503 with Retry-After (the sign-up itself runs on).
                .POST("/users", request -> RequestDeadline.boundByCurrent(create(request)))
                .GET("/users/{id}", request -> RequestDeadline.boundByCurrent(get(request)))
                .onError(Throwable.class, (error, request) -> Problems.respond(error))
                .build();
    }

    private Mono<ServerResponse> create(ServerRequest request) {
        String key = request.headers().firstHeader(IDEMPOTENCY_KEY);
        return readNewUser(request).flatMap(newUser -> key == null
                ? users.create(newUser, UserService.oneOff()).flatMap(this::created)
                : createOnce(checkedKey(key), newUser));
    }

    /** A retried POST with the same key gets the first answer; the same key with another body, 422. */
    private Mono<ServerResponse> createOnce(String key, NewUser newUser) {
        var idempotencyKey = IdempotencyStore.Key.of("users", key,
                IdempotencyStore.sha256(newUser.name() + "\n" + newUser.email()));
        // The key also owns the sign-up's email claim, so a retry recognises a claim left by its first attempt.
        return idempotency.once(idempotencyKey, idempotencyProperties.keepFor(),
                        () -> users.create(newUser, idempotencyKey.id()).map(json::writeValueAsString))
                .map(stored -> json.readValue(stored, User.class))
                .flatMap(this::created);
    }

    private Mono<ServerResponse> created(User user) {
        return ServerResponse.created(URI.create("/users/" + user.id()))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(new Created(user));
    }

    private Mono<ServerResponse> get(ServerRequest request) {
        String id = request.pathVariable("id");
        if (!isUserId(id)) {
            return Mono.error(new PermanentFailure("Invalid user id", "A user id is a UUID, such as "
                    + "3f0c8f8e-9a3b-4c1e-8d2a-2b7c9e4f5a61", null));
        }
        return users.find(id)
                .flatMap(user -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(user))
                .switchIfEmpty(Mono.error(() -> new PermanentFailure(HttpStatus.NOT_FOUND, "User not found",
                        "There is no user with id " + id, null)));
    }

    /** Parses and validates the body: 415, 413 and 400 each say what is wrong. */
    private Mono<NewUser> readNewUser(ServerRequest request) {
        MediaType type = request.headers().contentType().orElse(null);
        if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            return Mono.error(new PermanentFailure(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Send the user as application/json", null));
        }
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), MAX_BODY_BYTES)
                .onErrorMap(DataBufferLimitException.class, e -> new PermanentFailure(HttpStatus.CONTENT_TOO_LARGE,
                        "Request body too large", "A user is at most " + MAX_BODY_BYTES + " bytes of JSON", e))
                .map(buffer -> {
                    try {
                        return json.readValue(buffer.asInputStream(true), NewUser.Request.class);
                    } catch (JacksonException e) {
                        throw new PermanentFailure("Malformed JSON", "The body is not a JSON object: "
                                + e.getOriginalMessage(), e);
                    }
                })
                .switchIfEmpty(Mono.error(() -> new PermanentFailure("Malformed JSON", "The body is empty", null)))
                .map(body -> {
                    try {
                        return NewUser.parse(body);
                    } catch (NewUser.InvalidException e) {
                        throw invalid(e);
                    }
                });
    }

    private static PermanentFailure invalid(NewUser.InvalidException e) {
        return new PermanentFailure("Invalid user", e.getMessage(), e).withProperty("errors", e.errors());
    }

    private static String checkedKey(String key) {
        if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw new PermanentFailure("Invalid Idempotency-Key",
                    "An Idempotency-Key is 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters", null);
        }
        return key;
    }

    static boolean isUserId(String id) {
        try {
            return UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
