package dev.serverlessapp.users.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may call the users API (application.yaml binds the environment variables, with their defaults).
 *
 * @param enabled      {@code AUTH_ENABLED}: off only when the ingress already checks tokens
 * @param issuerUri    {@code AUTH_ISSUER_URI}: the OIDC issuer; tokens must name it in {@code iss}, and
 *                     its keys are found through discovery when no JWKS URI is given
 * @param jwkSetUri    {@code AUTH_JWK_SET_URI}: the issuer's JWKS, to skip discovery
 * @param audience     {@code AUTH_AUDIENCE}: when set, tokens must name it in {@code aud}
 * @param publicSignUp {@code AUTH_PUBLIC_SIGNUP}: whether {@code POST /users} needs no token
 * @param readScope    {@code AUTH_READ_SCOPE}: the scope that may read any user
 */
@ConfigurationProperties("users.auth")
public record AuthProperties(
        boolean enabled,
        String issuerUri,
        String jwkSetUri,
        String audience,
        boolean publicSignUp,
        String readScope) {

    public AuthProperties {
        // An unset variable binds as an empty string.
        issuerUri = blankToNull(issuerUri);
        jwkSetUri = blankToNull(jwkSetUri);
        audience = blankToNull(audience);
        if (enabled && issuerUri == null && jwkSetUri == null) {
            throw new IllegalArgumentException("Authentication is on but no issuer is configured: set "
                    + "AUTH_ISSUER_URI (or AUTH_JWK_SET_URI), or AUTH_ENABLED=false when the ingress checks tokens");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
