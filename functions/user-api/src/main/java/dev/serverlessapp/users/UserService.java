package dev.serverlessapp.users;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** The seed's create-user and get-user: validate (in {@link NewUser}) → store → queue the welcome. */
@Service
public class UserService {

    private final UserTable users;
    private final WelcomeQueue welcomes;
    private final Clock clock;

    public UserService(UserTable users, WelcomeQueue welcomes, Clock clock) {
        this.users = users;
        this.welcomes = welcomes;
        this.clock = clock;
    }

    /**
     * Signs a user up for {@code owner}, the sign-up request. Every step can be repeated by a retry of
     * the same request and lands on the same user: the email claim keeps the user id its first attempt
     * chose, the user item is written only if absent, and the welcome is deduplicated by email-worker.
     */
    public Mono<User> create(NewUser newUser, String owner) {
        // Random UUIDs: collision-free across pods, unlike the seed's nanotime ids.
        User candidate = new User(UUID.randomUUID().toString(), newUser.name(), newUser.email(), now());
        return users.claimEmail(candidate, owner).flatMap(claim -> store(newUser, claim));
    }

    private Mono<User> store(NewUser newUser, UserTable.EmailClaim claim) {
        User user = new User(claim.userId(), newUser.name(), newUser.email(), claim.created());
        return users.put(user)
                .then(Mono.defer(() -> users.confirmEmail(claim)))
                .then(Mono.defer(() -> welcomes.send(user)))
                .thenReturn(user)
                // This sign-up stalled so long that another one retired its user id (see UserTable):
                // it goes on under a new id, if the claim is still its own.
                .onErrorResume(UserTable.UserIdRetiredException.class, retired ->
                        users.reissue(claim, UUID.randomUUID().toString(), now()).flatMap(again -> store(newUser, again)));
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A sign-up without an Idempotency-Key is its own owner: no retry can recognise it. */
    public static String oneOff() {
        return "REQUEST#" + UUID.randomUUID();
    }

    public Mono<User> find(String id) {
        return users.find(id, false);
    }
}
