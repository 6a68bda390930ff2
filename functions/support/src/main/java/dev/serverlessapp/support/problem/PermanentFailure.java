package dev.serverlessapp.support.problem;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A failure that will happen again however often it is retried: bad input, an unknown event type, a
 * mail address the server rejects. It answers 4xx, which Knative sends to the dead-letter sink
 * instead of retrying.
 */
public class PermanentFailure extends RuntimeException {

    private final String title;
    private final HttpStatus status;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public PermanentFailure(String title, String detail, Throwable cause) {
        this(HttpStatus.BAD_REQUEST, title, detail, cause);
    }

    public PermanentFailure(HttpStatus status, String title, String detail, Throwable cause) {
        super(detail, cause);
        if (!status.is4xxClientError()) {
            throw new IllegalArgumentException("A permanent failure answers 4xx, not " + status);
        }
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Adds an RFC 9457 extension member, such as the list of field errors. */
    public PermanentFailure withProperty(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
