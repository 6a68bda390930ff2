package dev.serverlessapp.users;

import dev.serverlessapp.support.deadline.RequestDeadline;
import dev.serverlessapp.support.idempotency.IdempotencyProperties;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.problem.PermanentFailure;
import dev.serverlessapp.support.problem.Problems;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/** HTTP for users: paths, status codes, the Idempotency-Key header and problem details. */
@Configuration(proxyBeanMethods = false)
public class UserRoutes {

    static final int MAX_BODY_BYTES = 16 * 1024;
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
    private static final PathPattern USER_PATH = PathPatternParser.defaultInstance.parse("/users/{id}");

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
    private final ObjectReader bodyReader;

    public UserRoutes(UserService users, IdempotencyStore idempotency, IdempotencyProperties idempotencyProperties,
            JsonMapper json) {
        this.users = users;
        this.idempotency = idempotency;
        this.idempotencyProperties = idempotencyProperties;
        this.json = json;
        this.bodyReader = json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    @Bean
    RouterFunction<ServerResponse> userRouter() {
        return RouterFunctions.route()
                // Each answer within REQUEST_DEADLINE, else 503 with Retry-After (the sign-up itself runs on).
                .POST("/users", this::create)
                .GET("/users/{id}", request -> RequestDeadline.boundByCurrent(get(request)))
                .route(RequestPredicates.path("/users").or(RequestPredicates.path("/users/{id}")),
                        this::methodNotAllowed)
                .onError(Throwable.class, (error, request) -> Problems.respond(error))
                .build();
    }

    /** The methods each users path answers; a 405 names them in Allow (RFC 9110), the firewall's too. */
    public static Set<HttpMethod> methodsAt(String path) {
        if (path.equals("/users")) {
            return Set.of(HttpMethod.POST);
        }
        return USER_PATH.matches(PathContainer.parsePath(path)) ? Set.of(HttpMethod.GET) : Set.of();
    }

    private Mono<ServerResponse> methodNotAllowed(ServerRequest request) {
        return Mono.error(new MethodNotAllowedException(request.method(), methodsAt(request.path())));
    }

    private Mono<ServerResponse> create(ServerRequest request) {
        List<String> keys = request.headers().header(IDEMPOTENCY_KEY);
        // The deadline starts once the body is in: a client slow to send it gets 408 (REQUEST_BODY_TIMEOUT), not 503.
        return readNewUser(request).flatMap(newUser -> RequestDeadline.boundByCurrent(keys.isEmpty()
                ? users.create(newUser, UserService.oneOff()).flatMap(this::created)
                : createOnce(checkedKey(keys), newUser)));
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

    /** Parses and validates the body: 415, 413, 408 and 400 each say what is wrong. */
    private Mono<NewUser> readNewUser(ServerRequest request) {
        if (!isJson(request)) {
            return Mono.error(new PermanentFailure(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Send the user as application/json", null));
        }
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), MAX_BODY_BYTES)
                .onErrorMap(DataBufferLimitException.class, e -> new PermanentFailure(HttpStatus.CONTENT_TOO_LARGE,
                        "Request body too large", "A user is at most " + MAX_BODY_BYTES + " bytes of JSON", e))
                // A body shorter than its Content-Length would otherwise hold the connection for good.
                .transform(RequestDeadline::boundBodyByCurrent)
                .map(this::requestBody)
                .switchIfEmpty(Mono.error(() -> new PermanentFailure("Malformed JSON", "The body is empty", null)))
                .map(body -> {
                    try {
                        return NewUser.parse(body);
                    } catch (NewUser.InvalidException e) {
                        throw invalid(e);
                    }
                });
    }

    /** Exactly one JSON object, no key twice (two parsers must never read two different users). */
    private NewUser.Request requestBody(DataBuffer buffer) {
        JsonNode body;
        try {
            body = bodyReader.readTree(buffer.asInputStream(true));
        } catch (JacksonException e) {
            throw new PermanentFailure("Malformed JSON", "The body is not a JSON object: " + e.getOriginalMessage(), e);
        }
        if (body == null || !body.isObject()) {
            throw new PermanentFailure("Malformed JSON", "The body is not a JSON object", null);
        }
        return new NewUser.Request(body.get("name"), body.get("email"));
    }

    private static PermanentFailure invalid(NewUser.InvalidException e) {
        return new PermanentFailure("Invalid user", e.getMessage(), e).withProperty("errors", e.errors());
    }

    /** application/json; a Content-Type that does not even parse (a bogus charset, two types in one) is not. */
    private static boolean isJson(ServerRequest request) {
        try {
            return request.headers().contentType().filter(MediaType.APPLICATION_JSON::equalsTypeAndSubtype).isPresent();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /**
     * One Idempotency-Key of 1 to 255 printable ASCII characters. Anything else is refused rather than
     * guessed at: two keys, or bytes that other systems would read as other characters, could make one
     * retry look like another request.
     */
    private static String checkedKey(List<String> keys) {
        String key = keys.getFirst();
        if (keys.size() > 1 || key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH
                || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new PermanentFailure("Invalid Idempotency-Key", "Send one Idempotency-Key of 1 to "
                    + MAX_IDEMPOTENCY_KEY_LENGTH + " printable ASCII characters", null);
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
