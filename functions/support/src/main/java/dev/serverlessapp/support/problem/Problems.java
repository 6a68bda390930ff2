package dev.serverlessapp.support.problem;

import dev.serverlessapp.support.claim.ClaimHeldException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The one place that maps an error to its RFC 9457 answer. The 4xx/5xx split is the contract with
 * Knative ({@link dev.serverlessapp.contract.KnativeRetries}): a 4xx it does not retry goes to the dead-letter
 * sink at once, a 5xx is retried.
 */
public final class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    public static Mono<ServerResponse> respond(Throwable error) {
        ProblemDetail problem = of(error);
        return ServerResponse.status(problem.getStatus())
                .headers(headers -> headers.addAll(headersOf(error, problem)))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(asMap(problem));
    }

    /**
     * The headers an error's answer carries: those it asks for, such as {@code Allow} with a 405, and
     * {@code Retry-After} on every 503 and on a 409 in progress, so that each says when to come back, and
     * {@code Connection: close} on a 413 and a 408.
     */
    public static HttpHeaders headersOf(Throwable error, ProblemDetail problem) {
        HttpHeaders headers = new HttpHeaders();
        if (error instanceof ErrorResponse response) {
            headers.addAll(response.getHeaders());
        }
        if (error instanceof RetryLater later) {
            headers.set(HttpHeaders.RETRY_AFTER, RetryLater.seconds(later.retryAfter()));
        } else if (problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            headers.set(HttpHeaders.RETRY_AFTER, RetryLater.seconds(RetryLater.BACKEND_DOWN));
        }
        if (problem.getStatus() == HttpStatus.CONTENT_TOO_LARGE.value()
                || problem.getStatus() == HttpStatus.REQUEST_TIMEOUT.value()) {
            // The body was not read to its end. Else Reactor Netty keeps the connection and reads the rest of it,
            // however long the client makes it (413) or waits for it for ever (408); closed, the server reads for
            // LingeringClose's few seconds at most.
            headers.set(HttpHeaders.CONNECTION, "close");
        }
        return headers;
    }

    /**
     * The answer to a request that Netty refused before any route saw it: a request line or header block
     * over the decoder's limits, or bytes that are not HTTP. Only the status is known there.
     */
    public static ProblemDetail refusedByTheServer(HttpStatusCode status) {
        return switch (status.value()) {
            case 414 -> problem(status, "URI too long", "The request line is longer than the server accepts");
            case 431 -> problem(status, "Request header fields too large",
                    "The request's header fields are larger than the server accepts");
            case 400 -> problem(status, "Bad request", "The request is not valid HTTP/1.1");
            default -> {
                HttpStatus known = HttpStatus.resolve(status.value());
                yield problem(status, known == null ? "Request refused" : known.getReasonPhrase(),
                        "The request was refused");
            }
        };
    }

    public static ProblemDetail of(Throwable error) {
        ProblemDetail problem = switch (error) {
            case PermanentFailure failure -> withProperties(
                    problem(failure.status(), failure.title(), failure.getMessage()), failure.properties());
            case ClaimHeldException busy ->
                    problem(HttpStatus.CONFLICT, "Already in progress", busy.getMessage());
            case TransientFailure failure -> transientProblem(failure.getMessage(), failure);
            case SdkClientException client -> transientProblem("A backend could not be reached", client);
            case AwsServiceException service when isTransient(service) ->
                    transientProblem("A backend is unavailable", service);
            case ErrorResponse response -> fromErrorResponse(response);
            default -> unexpected(error);
        };
        if (problem.getStatus() >= 500) {
            log.warn("Answering {}: {}", problem.getStatus(), problem.getDetail(), error);
        } else {
            log.info("Answering {}: {}", problem.getStatus(), problem.getDetail());
        }
        return problem;
    }

    static boolean isTransient(AwsServiceException error) {
        return error.statusCode() >= 500 || error.isThrottlingException() || error.statusCode() == 0;
    }

    public static ProblemDetail problem(HttpStatusCode status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    /** RFC 9457 members first, then the extension members, as a plain map for any JSON writer. */
    public static Map<String, Object> asMap(ProblemDetail problem) {
        Map<String, Object> map = new LinkedHashMap<>();
        // RFC 9457: an absent type means "about:blank".
        map.put("type", problem.getType() == null ? "about:blank" : problem.getType().toString());
        map.put("title", problem.getTitle());
        map.put("status", problem.getStatus());
        if (problem.getDetail() != null) {
            map.put("detail", problem.getDetail());
        }
        if (problem.getInstance() != null) {
            map.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            map.putAll(problem.getProperties());
        }
        return map;
    }

    private static ProblemDetail transientProblem(String detail, Throwable cause) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable", detail);
    }

    private static ProblemDetail withProperties(ProblemDetail problem, Map<String, Object> properties) {
        properties.forEach(problem::setProperty);
        return problem;
    }

    private static ProblemDetail fromErrorResponse(ErrorResponse response) {
        ProblemDetail body = response.getBody();
        ProblemDetail problem = problem(response.getStatusCode(), body.getTitle(), body.getDetail());
        if (body.getProperties() != null) {
            body.getProperties().forEach(problem::setProperty);
        }
        return problem;
    }

    private static ProblemDetail unexpected(Throwable error) {
        // Say nothing of the internals to the caller; the log has the stack trace.
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "The request could not be handled");
    }
}
