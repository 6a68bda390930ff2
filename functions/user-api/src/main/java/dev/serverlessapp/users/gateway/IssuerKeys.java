package dev.serverlessapp.users.gateway;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The issuer's signing keys, held by Nimbus' JWK set source: fetched on first use (the issuer may be down
 * while user-api starts), cached for five minutes, kept through an issuer outage (Nimbus' outage
 * tolerance), with Nimbus' own limit of two fetches in 30 seconds. A token whose key id is not among the
 * cached keys makes user-api ask the issuer again, but at most once per {@link #UNKNOWN_KEY_REFRESH}
 * however many such tokens come: made-up key ids must not turn user-api into a flood against its issuer,
 * nor use up the fetches a due refresh needs. Nimbus fetches with blocking I/O, so a look-up runs on
 * Reactor's bounded elastic scheduler, never on a Netty event loop.
 */
final class IssuerKeys {

    static final Duration UNKNOWN_KEY_REFRESH = Duration.ofSeconds(30);
    private static final int HTTP_TIMEOUT_MILLIS = 2_000;

    private final JWKSetSource<SecurityContext> keys;
    private final AtomicLong nextUnknownKeyRefresh = new AtomicLong();

    private IssuerKeys(JWKSetSource<SecurityContext> source) {
        var built = (JWKSetBasedJWKSource<SecurityContext>) JWKSourceBuilder.create(source)
                .rateLimited(true)
                .outageTolerant(true)
                .build();
        this.keys = built.getJWKSetSource();
    }

    /** The keys at the JWKS URI when one is given, else at the one the issuer's discovery document names. */
    static IssuerKeys of(AuthProperties auth) {
        ResourceRetriever http = new DefaultResourceRetriever(HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS,
                JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT);
        return new IssuerKeys(auth.jwkSetUri() != null
                ? new URLBasedJWKSetSource<>(url(auth.jwkSetUri()), http)
                : new Discovered(auth.issuerUri(), http));
    }

    /** The keys that may have signed this token; an error when none can be had from the issuer now. */
    Flux<JWK> forToken(SignedJWT token) {
        JWKMatcher matcher = JWKMatcher.forJWSHeader(token.getHeader());
        if (matcher == null) {
            return Flux.empty();
        }
        JWKSelector selector = new JWKSelector(matcher);
        return Mono.fromCallable(() -> select(selector))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapIterable(found -> found);
    }

    private List<JWK> select(JWKSelector selector) throws KeySourceException {
        long now = System.currentTimeMillis();
        JWKSet cached = keys.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
        List<JWK> found = selector.select(cached);
        if (found.isEmpty() && mayLookForUnknownKey(now)) {
            // The issuer may have rotated its keys since: the one new look the limit allows.
            found = selector.select(keys.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now, null));
        }
        return found;
    }

    private boolean mayLookForUnknownKey(long now) {
        long next = nextUnknownKeyRefresh.get();
        return now >= next && nextUnknownKeyRefresh.compareAndSet(next, now + UNKNOWN_KEY_REFRESH.toMillis());
    }

    private static URL url(String uri) {
        try {
            return URI.create(uri).toURL();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a URL: " + uri, e);
        }
    }

    /**
     * The JWK set at the URL named by the issuer's OIDC discovery document, read on first use and then
     * remembered. The document must name the configured issuer, as Spring Security checks too.
     */
    private static final class Discovered implements JWKSetSource<SecurityContext> {
        private final String issuer;
        private final ResourceRetriever http;
        private volatile JWKSetSource<SecurityContext> located;

        Discovered(String issuer, ResourceRetriever http) {
            this.issuer = issuer;
            this.http = http;
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long now, SecurityContext context)
                throws KeySourceException {
            return locate().getJWKSet(refresh, now, context);
        }

        private JWKSetSource<SecurityContext> locate() throws KeySourceException {
            if (located == null) {
                URL discovery = url(issuer.replaceFirst("/$", "") + "/.well-known/openid-configuration");
                try {
                    Map<String, Object> metadata = JSONObjectUtils.parse(http.retrieveResource(discovery).getContent());
                    if (!issuer.equals(metadata.get("issuer"))) {
                        throw new KeySourceException("The discovery document at " + discovery + " names another issuer");
                    }
                    String jwksUri = JSONObjectUtils.getString(metadata, "jwks_uri");
                    if (jwksUri == null) {
                        throw new KeySourceException("The discovery document at " + discovery + " names no jwks_uri");
                    }
                    located = new URLBasedJWKSetSource<>(url(jwksUri), http);
                } catch (IOException | ParseException | IllegalArgumentException e) {
                    throw new JWKSetUnavailableException("The issuer's discovery document could not be read", e);
                }
            }
            return located;
        }

        @Override
        public void close() {
        }
    }
}
