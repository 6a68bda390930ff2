package dev.serverlessapp.users;

import dev.serverlessapp.testing.TokenIssuer;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points user-api at testing's local issuer, found through discovery as a deployment finds its own. */
final class LocalIssuer {

    private LocalIssuer() {
    }

    static void trust(DynamicPropertyRegistry registry) {
        registry.add("users.auth.issuer-uri", TokenIssuer.shared()::issuer);
        registry.add("users.auth.audience", () -> TokenIssuer.AUDIENCE);
    }
}
