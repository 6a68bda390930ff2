package dev.serverlessapp.users;

import java.time.Clock;
import java.time.Duration;
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
    private final Duration welcomeGrace;

    public UserService(UserTable users, WelcomeQueue welcomes, Clock clock, UserApiProperties properties) {
        this.users = users;
        this.welcomes = welcomes;
        this.clock = clock;
        this.welcomeGrace = properties.welcomeGrace();
    }

    public Mono<User> create(NewUser newUser) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        // Random UUIDs: collision-free across pods, unlike the seed's nanotime ids.
        User user = new User(UUID.randomUUID().toString(), newUser.name(), newUser.email(), now.toString());
        return users.claimEmail(user.email(), user.id(), now)
                .then(Mono.defer(() -> users.put(user, now.plus(welcomeGrace))
                        .onErrorResume(error -> users.releaseClaim(user.email(), user.id()).then(Mono.error(error)))))
                .then(Mono.defer(() -> welcomes.send(user)))
                .thenReturn(user);
    }

    public Mono<User> find(String id) {
        return users.find(id, false);
    }
}
