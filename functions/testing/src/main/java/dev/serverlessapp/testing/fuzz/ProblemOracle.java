package dev.serverlessapp.testing.fuzz;

import java.net.http.HttpResponse;
import java.util.Locale;

/**
 * The fuzz suites' oracle: an invariant every answer keeps, whatever was sent. No 5xx (bad input is never
 * our failure), and every 4xx is an RFC 9457 problem detail whose {@code status} member is the answer's
 * status. A hang is the caller's timeout; a side effect of a refused request is the suite's own check.
 */
public final class ProblemOracle {

    private ProblemOracle() {
    }

    /** Throws an {@link AssertionError} that shows the answer when the invariant does not hold. */
    public static void check(HttpResponse<String> response) {
        check(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    }

    public static void check(int status, String contentType, String body) {
        if (status >= 500) {
            throw new AssertionError("answered " + status + ": " + abbreviate(body));
        }
        if (status < 400) {
            return;
        }
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
            throw new AssertionError("answered " + status + " with Content-Type '" + contentType
                    + "', not a problem detail: " + abbreviate(body));
        }
        String compact = body == null ? "" : body.replace(" ", "");
        if (!compact.startsWith("{") || !compact.contains("\"status\":" + status) || !compact.contains("\"title\":")) {
            throw new AssertionError("answered " + status + " with a problem detail that lacks its status or title: "
                    + abbreviate(body));
        }
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "(no body)";
        }
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
