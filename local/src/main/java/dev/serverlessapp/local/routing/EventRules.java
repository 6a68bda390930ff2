package dev.serverlessapp.local.routing;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the broker takes beyond what the CloudEvents SDK checks: the spec's rules for attribute values
 * (CloudEvents 1.0, Type System): {@code id}, {@code source} and {@code type} are not empty, and a
 * string holds no control character (U+0000-U+001F, U+007F-U+009F) and no unpaired surrogate. An event
 * that breaks them could not be delivered in binary mode (a header holds no line break) or would poison
 * whatever stores it later, so the ingress refuses it rather than accept it and dead-letter it.
 */
public final class EventRules {

    private static final List<String> REQUIRED = List.of("id", "source", "type");

    private EventRules() {
    }

    /** Why the broker cannot take {@code event}, if it cannot. */
    public static Optional<String> problem(CloudEvent event) {
        for (String name : REQUIRED) {
            String value = Attributes.get(event, name);
            if (value == null || value.isEmpty()) {
                return Optional.of("The attribute " + name + " is empty");
            }
        }
        List<String> names = new ArrayList<>(event.getSpecVersion().getAllAttributes());
        names.addAll(event.getExtensionNames());
        for (String name : names) {
            String value = Attributes.get(event, name);
            Optional<String> problem = value == null ? Optional.empty() : stringProblem(value);
            if (problem.isPresent()) {
                return Optional.of("The attribute " + name + " " + problem.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> stringProblem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("holds an unpaired UTF-16 surrogate");
            } else if (Character.isISOControl(c)) {
                return Optional.of("holds a control character (U+%04X)".formatted((int) c));
            }
        }
        return Optional.empty();
    }
}
