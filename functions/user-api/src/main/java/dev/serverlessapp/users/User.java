package dev.serverlessapp.users;

/** A stored user, as the API shows it (the seed's shape). {@code created} is ISO-8601 UTC. */
public record User(String id, String name, String email, String created) {
}
