package dev.serverlessapp.users.gateway;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import dev.serverlessapp.support.problem.ProblemExceptionHandler;
import dev.serverlessapp.support.problem.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Bearer tokens from the configured OIDC issuer, checked by Spring Security's resource server against
 * the issuer's JWKS. Sign-up is public; a user may be read by that user (the token's subject) or by a
 * token with the read scope. Refusals are problem details that say no more than the status.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class ApiSecurity {

    /** Asymmetric signatures only: a public key never verifies an HMAC (algorithm confusion). */
    private static final Set<JWSAlgorithm> SIGNATURE_ALGORITHMS = Stream.of(JWSAlgorithm.Family.RSA,
            JWSAlgorithm.Family.EC).flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());

    private final AuthProperties auth;
    private final ProblemExceptionHandler problems;

    public ApiSecurity(AuthProperties auth, ProblemExceptionHandler problems) {
        this.auth = auth;
        this.problems = problems;
    }

    @Bean
    SecurityWebFilterChain apiSecurityChain(ServerHttpSecurity http) {
        // A stateless API: no session, no cookies (so no CSRF), no login pages.
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        if (!auth.enabled()) {
            return http.authorizeExchange(exchanges -> exchanges.anyExchange().permitAll()).build();
        }
        return http
                .authorizeExchange(exchanges -> {
                    // Probes on the serving port; the actuator (metrics) on the management port, which
                    // Knative does not route to (README: keep MANAGEMENT_PORT apart from PORT).
                    exchanges.pathMatchers("/actuator/**", "/livez", "/readyz").permitAll();
                    if (auth.publicSignUp()) {
                        exchanges.pathMatchers(HttpMethod.POST, "/users").permitAll();
                    }
                    exchanges.pathMatchers(HttpMethod.GET, "/users/{id}").access(this::selfOrReader);
                    exchanges.anyExchange().authenticated();
                })
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.jwtDecoder(jwtDecoder()))
                        .authenticationEntryPoint(this::unauthorized)
                        .authenticationFailureHandler((filterExchange, error) ->
                                error instanceof AuthenticationServiceException
                                        ? keysUnavailable(filterExchange.getExchange())
                                        : unauthorized(filterExchange.getExchange(), error))
                        .accessDeniedHandler((exchange, denied) -> forbidden(exchange)))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(this::unauthorized)
                        .accessDeniedHandler((exchange, denied) -> forbidden(exchange)))
                .build();
    }

    private Mono<AuthorizationResult> selfOrReader(Mono<Authentication> authentication, AuthorizationContext context) {
        Object id = context.getVariables().get("id");
        String readAuthority = "SCOPE_" + auth.readScope();
        return authentication
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(token -> (AuthorizationResult) new AuthorizationDecision(token.getName().equals(id)
                        || token.getAuthorities().stream().anyMatch(a -> readAuthority.equals(a.getAuthority()))))
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    /**
     * Signatures checked against the issuer's keys ({@link IssuerKeys}: cached, and fetched again for an
     * unknown key id at most once in 30 seconds), then the expiry, the issuer and the audience.
     */
    ReactiveJwtDecoder jwtDecoder() {
        IssuerKeys keys = IssuerKeys.of(auth);
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(keys::forToken)
                .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(
                        new JWSVerificationKeySelector<>(SIGNATURE_ALGORITHMS, new JWKSecurityContextJWKSet())))
                .build();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(auth.issuerUri() != null
                ? JwtValidators.createDefaultWithIssuer(auth.issuerUri())
                : JwtValidators.createDefault());
        if (auth.audience() != null) {
            validators.add(new JwtAudienceValidator(auth.audience()));
        }
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(validators));
        // Spring reports keys it could not obtain as an IllegalStateException, which no handler expects (500).
        // As a JwtException it becomes an AuthenticationServiceException, answered 503 below.
        return token -> decoder.decode(token).onErrorMap(IllegalStateException.class,
                e -> new JwtException("The issuer's keys could not be fetched", e));
    }

    /** The issuer could not be reached for its keys: the token may well be good, so not 401 but 503. */
    private Mono<Void> keysUnavailable(ServerWebExchange exchange) {
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER,
                Long.toString(IssuerKeys.UNKNOWN_KEY_REFRESH.toSeconds()));
        return problems.handle(exchange, new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE,
                Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable",
                        "The token cannot be checked now: the issuer's keys could not be fetched"), null));
    }

    /** RFC 6750 challenge without the error description, which would tell an attacker what failed. */
    private Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException error) {
        String challenge = error instanceof OAuth2AuthenticationException ? "Bearer error=\"invalid_token\"" : "Bearer";
        return refuse(exchange, HttpStatus.UNAUTHORIZED, challenge, "Unauthorized",
                "A valid bearer token is required");
    }

    private Mono<Void> forbidden(ServerWebExchange exchange) {
        return refuse(exchange, HttpStatus.FORBIDDEN, "Bearer error=\"insufficient_scope\"", "Forbidden",
                "The token does not allow this request");
    }

    private Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String challenge, String title,
            String detail) {
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        return problems.handle(exchange,
                new ErrorResponseException(status, Problems.problem(status, title, detail), null));
    }
}
