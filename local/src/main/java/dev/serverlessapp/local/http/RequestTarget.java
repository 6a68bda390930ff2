package dev.serverlessapp.local.http;

import java.util.Optional;

/**
 * The request target a door takes: origin-form only ({@code /path?query}, RFC 9112 §3.2.1), in the
 * characters RFC 3986 allows there. An absolute-form ({@code http://host/…}), authority-form
 * ({@code host:port}) or asterisk-form target, or anything else not starting with {@code /}, could name
 * another host or port once put after ours, so it is refused before anything is sent anywhere.
 */
public final class RequestTarget {

    /** RFC 3986 unreserved and sub-delims, ':' and '@' (pchar without pct-encoded), and '/' and '?'. */
    private static final String ALLOWED = "-._~!$&'()*+,;=:@/?";

    private RequestTarget() {
    }

    /** Why {@code target} is not an origin-form target, if it is not. */
    public static Optional<String> problem(String target) {
        if (target == null || target.isEmpty()) {
            return Optional.of("The request has no target");
        }
        if (target.charAt(0) != '/') {
            return Optional.of("Only origin-form request targets (/path?query) are accepted, not absolute-form, "
                    + "authority-form or asterisk-form ones");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%') {
                if (i + 2 >= target.length() || !isHex(target.charAt(i + 1)) || !isHex(target.charAt(i + 2))) {
                    return Optional.of("The request target holds a '%' that is not a percent-encoded byte (%XX)");
                }
                i += 2;
            } else if (!(c < 128 && (Character.isLetterOrDigit(c) || ALLOWED.indexOf(c) >= 0))) {
                return Optional.of("The request target holds a character a URI path or query may not hold "
                        + "(percent-encode it)");
            }
        }
        return Optional.empty();
    }

    private static boolean isHex(char c) {
        return c < 128 && Character.digit(c, 16) >= 0;
    }
}
