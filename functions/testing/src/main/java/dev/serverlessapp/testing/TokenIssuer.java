package dev.serverlessapp.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local OIDC issuer for tests and the AOT training run: an RSA key made here, its JWKS and discovery
 * document served over a real HTTP socket, and tokens signed with it. user-api checks them exactly as
 * it checks a real issuer's (point AUTH_ISSUER_URI at {@link #issuer()}); nothing in the app is
 * switched off for tests.
 */
public final class TokenIssuer {

    public static final String AUDIENCE = "serverless-app";

    private static TokenIssuer shared;

    private final RSAKey key;
    private final String issuer;
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private RSAKey strangerKey;

    private TokenIssuer() {
        try {
            key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            issuer = "http://127.0.0.1:" + server.getAddress().getPort();
            serve(server, "/.well-known/openid-configuration", """
                    {"issuer":"%s","jwks_uri":"%s/jwks","id_token_signing_alg_values_supported":["RS256"],
                     "subject_types_supported":["public"],"response_types_supported":["code"]}"""
                    .formatted(issuer, issuer), new AtomicInteger());
            serve(server, "/jwks", new JWKSet(key.toPublicJWK()).toString(), jwksFetches);
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static synchronized TokenIssuer shared() {
        if (shared == null) {
            shared = new TokenIssuer();
        }
        return shared;
    }

    /** The issuer URI; user-api finds the keys from it through discovery, as a deployment does. */
    public String issuer() {
        return issuer;
    }

    public String token(String subject, String... scopes) {
        return sign(key, issuer, AUDIENCE, subject, Instant.now().plus(Duration.ofMinutes(5)), scopes);
    }

    /** The same claims signed by a key the issuer never published. */
    public String tokenSignedByAnotherKey(String subject) {
        try {
            return sign(new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate(), issuer, AUDIENCE, subject,
                    Instant.now().plus(Duration.ofMinutes(5)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token signed by a key under a key id the issuer never published, as an attacker makes them. */
    public String tokenWithUnknownKeyId(String subject) {
        RSAKey stranger = new RSAKey.Builder(strangerKey()).keyID(UUID.randomUUID().toString()).build();
        return sign(stranger, issuer, AUDIENCE, subject, Instant.now().plus(Duration.ofMinutes(5)));
    }

    private synchronized RSAKey strangerKey() {
        if (strangerKey == null) {
            try {
                strangerKey = new RSAKeyGenerator(2048).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
        return strangerKey;
    }

    /** How often the key set has been fetched from this issuer, by anyone: to check that look-ups are bounded. */
    public int jwksFetches() {
        return jwksFetches.get();
    }

    public String expiredToken(String subject) {
        return sign(key, issuer, AUDIENCE, subject, Instant.now().minus(Duration.ofMinutes(10)));
    }

    public String tokenFor(String audience, String subject) {
        return sign(key, issuer, audience, subject, Instant.now().plus(Duration.ofMinutes(5)));
    }

    private static String sign(RSAKey key, String issuer, String audience, String subject, Instant expires,
            String... scopes) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(issuer).audience(audience).subject(subject)
                    .issueTime(Date.from(expires.minus(Duration.ofMinutes(5)))).expirationTime(Date.from(expires))
                    .claim("scope", String.join(" ", scopes))
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void serve(HttpServer server, String path, String json, AtomicInteger served) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            served.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }
}
