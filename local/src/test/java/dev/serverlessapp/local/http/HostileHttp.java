package dev.serverlessapp.local.http;

import dev.serverlessapp.testing.fuzz.Hostile;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Hostile pieces of HTTP requests for the local doors' fuzz suites, built from {@link Hostile}'s text:
 * methods, request targets of every form (some naming another local port), header names and values as
 * the bytes a raw socket sends (one ISO-8859-1 character per byte).
 */
public final class HostileHttp {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
            "TRACE", "CONNECT", "get", "post", "PROPFIND", "X", "G\u00c9T", "POST\u0000", "");

    private HostileHttp() {
    }

    public static String method(Random random) {
        return random.nextInt(3) == 0 ? Hostile.oneOf(random, METHODS) : random.nextBoolean() ? "POST" : "GET";
    }

    /** A request target: origin-form mostly, sometimes one that names {@code otherPort} or a junk host, or garbage. */
    public static String target(Random random, String usual, int otherPort) {
        return switch (random.nextInt(12)) {
            case 0 -> ".localhost:" + otherPort + "/";
            case 1 -> "http://127.0.0.1:" + otherPort + usual;
            case 2 -> "127.0.0.1:" + otherPort;
            case 3 -> "@127.0.0.1:" + otherPort + usual;
            case 4 -> "//127.0.0.1:" + otherPort + usual;
            case 5 -> "*";
            case 6 -> bytes(Hostile.text(random, 30));
            case 7 -> usual + "/" + URLEncoder.encode(Hostile.text(random, 20), StandardCharsets.UTF_8);
            case 8 -> usual + "?" + bytes(Hostile.almostValid(random, "q=1"));
            case 9 -> "/" + "a".repeat(Hostile.around(random, 4096));
            case 10 -> usual + Hostile.oneOf(random, List.of("/..", "/%2e%2e/", "%00", "%ZZ", "/", "//", "?", "#f"));
            default -> usual;
        };
    }

    public static String headerName(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> bytes(Hostile.text(random, 12));
            case 1 -> "X-" + Hostile.almostValid(random, "Fuzz");
            default -> Hostile.oneOf(random, List.of("Content-Type", "Content-Length", "Transfer-Encoding", "Host",
                    "Expect", "Connection", "X-Forwarded-For", "Forwarded", "X-Real-IP", "Upgrade", "TE", "Trailer"));
        };
    }

    public static String headerValue(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> bytes(Hostile.text(random, 40));
            case 1 -> "x".repeat(Hostile.around(random, 8192));
            case 2 -> Hostile.oneOf(random, List.of("chunked", "100-continue", "close", "keep-alive", "-1", "99999999999",
                    "127.0.0.1", "for=127.0.0.1", "application/json", "h2c", "gzip, chunked"));
            default -> bytes(Hostile.almostValid(random, "value"));
        };
    }

    /** Text as a raw socket sends it: its UTF-8 bytes, one ISO-8859-1 character each. */
    public static String bytes(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
