package dev.serverlessapp.support.cloudevents;

import io.cloudevents.CloudEvent;

/**
 * The CloudEvents type system's rules that the SDK does not check (CloudEvents 1.0.2, "Type System"
 * and "Required Attributes"): {@code id}, {@code source} and {@code type} are non-empty, and no string
 * attribute holds a control character (U+0000-U+001F, U+007F-U+009F), a noncharacter or an unpaired
 * surrogate. The attributes travel on: into the idempotency record, the logs, the metric tags. An
 * attribute that breaks the rules would fail there (a DynamoDB write cannot encode a lone surrogate)
 * and be retried forever, so it is refused here, at the door.
 */
final class EventAttributes {

    private EventAttributes() {
    }

    /** The event, or {@link InvalidCloudEventException} naming the first attribute that breaks a rule. */
    static CloudEvent check(CloudEvent event) {
        required("id", event.getId());
        required("source", event.getSource() == null ? null : event.getSource().toString());
        required("type", event.getType());
        allowed("subject", event.getSubject());
        allowed("datacontenttype", event.getDataContentType());
        allowed("dataschema", event.getDataSchema() == null ? null : event.getDataSchema().toString());
        for (String name : event.getExtensionNames()) {
            Object value = event.getExtension(name);
            allowed(name, value == null ? null : value.toString());
        }
        return event;
    }

    private static void required(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidCloudEventException("The required attribute '" + name + "' is empty", null);
        }
        allowed(name, value);
    }

    private static void allowed(String name, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                if (isNoncharacter(value.codePointAt(i))) {
                    throw disallowed(name, "a noncharacter");
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                throw disallowed(name, "an unpaired surrogate");
            } else if (Character.isISOControl(c)) {
                throw disallowed(name, "a control character");
            } else if (isNoncharacter(c)) {
                throw disallowed(name, "a noncharacter");
            }
        }
    }

    /** U+FDD0-U+FDEF, and the last two code points of every plane. */
    private static boolean isNoncharacter(int codePoint) {
        return (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE;
    }

    private static InvalidCloudEventException disallowed(String name, String what) {
        return new InvalidCloudEventException("The attribute '" + name + "' contains " + what
                + ", which CloudEvents strings must not", null);
    }
}
