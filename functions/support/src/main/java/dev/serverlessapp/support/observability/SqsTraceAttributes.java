package dev.serverlessapp.support.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A trace context ({@link TraceContext#current()}) as SQS message attributes, so that the SQS source
 * hands it on in the CloudEvent's {@code traceparent} extension and the consumer continues the trace.
 * Only functions that send to SQS load this class: SQS is optional in function-support.
 */
public final class SqsTraceAttributes {

    private SqsTraceAttributes() {
    }

    public static Map<String, MessageAttributeValue> of(Map<String, String> trace) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        trace.forEach((name, value) -> attributes.put(name,
                MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        return attributes;
    }
}
