package dev.serverlessapp.deploy.upstream;

import static dev.serverlessapp.deploy.upstream.Json.at;
import static dev.serverlessapp.deploy.upstream.Json.isSet;
import static dev.serverlessapp.deploy.upstream.Json.text;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Knative Eventing's webhook refuses on create, ported from {@code pkg/apis} at the vendored
 * tags (identical from 1.17 to 1.22 except where noted): Broker and its delivery, Trigger (broker,
 * filters, subscriber, delivery, annotations), PingSource (robfig cron with CRON_TZ, data),
 * IntegrationSource/IntegrationSink (one source or sink, its ARN and region, and auth: a Secret or,
 * from Eventing 1.20, a ServiceAccount), EventPolicy (needs the authentication-oidc feature), and
 * knative.dev/pkg's Destination and KReference. CESQL expressions are only checked to be non-empty
 * strings: the chart renders none.
 */
final class EventingRules {

    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z][a-z0-9]*");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final String object;
    private final KnativeConfig config;
    private final UpstreamRelease release;
    private final List<Problem> problems = new ArrayList<>();

    private EventingRules(String object, KnativeConfig config, UpstreamRelease release) {
        this.object = object;
        this.config = config;
        this.release = release;
    }

    static List<Problem> check(String object, JsonNode resource, KnativeConfig config, UpstreamRelease release) {
        EventingRules rules = new EventingRules(object, config, release);
        JsonNode spec = resource.path("spec");
        switch (text(resource, "kind")) {
            case "Broker" -> rules.broker(spec);
            case "Trigger" -> rules.trigger(resource, spec);
            case "PingSource" -> rules.pingSource(spec);
            case "IntegrationSource" -> rules.integration(spec, "source", List.of("timer"), List.of("s3", "sqs", "ddb-streams"));
            case "IntegrationSink" -> rules.integration(spec, "sink", List.of("log"), List.of("s3", "sqs", "sns"));
            case "EventPolicy" -> rules.eventPolicy(spec);
            default -> {
            }
        }
        return rules.problems;
    }

    private void add(String path, String message) {
        problems.add(new Problem(object, path, message));
    }

    private void broker(JsonNode spec) {
        if (spec.has("config")) {
            // A Broker may name a config in another namespace (determineNamespaceAllowance's default).
            kReference(spec.path("config"), "spec.config");
        }
        delivery(spec.path("delivery"), "spec.delivery");
    }

    private void trigger(JsonNode trigger, JsonNode spec) {
        boolean broker = isSet(spec.path("broker"));
        boolean brokerRef = spec.path("brokerRef").isObject();
        if (!broker && !brokerRef) {
            add("spec.broker", "missing field(s)");
        } else if (broker && brokerRef) {
            add("spec", "expected exactly one, got both: [broker, brokerRef]");
        }
        if (brokerRef && isSet(spec.path("brokerRef").path("namespace")) && !config.eventingEnabled("cross-namespace-event-links")) {
            add("spec.brokerRef.namespace", "must not set the field(s): only name, apiVersion and kind are supported when "
                    + "cross-namespace-event-links is disabled");
        }
        spec.path("filter").path("attributes").properties().forEach(e -> attributeName(e.getKey(), "spec.filter.attributes"));
        filters(spec.path("filters"), "spec.filters");
        destination(spec.path("subscriber"), "spec.subscriber", true);
        delivery(spec.path("delivery"), "spec.delivery");
        JsonNode annotations = trigger.path("metadata").path("annotations");
        String dependency = text(annotations, "knative.dev/dependency");
        if (annotations.has("knative.dev/dependency")) {
            try {
                JsonNode ref = JSON.readTree(dependency);
                for (String field : List.of("kind", "name", "apiVersion")) {
                    if (!isSet(ref.path(field))) {
                        add("metadata.annotations[knative.dev/dependency]." + field, "missing field(s)");
                    }
                }
            } catch (JacksonException e) {
                add("metadata.annotations[knative.dev/dependency]", "The provided annotation was not a corev1.ObjectReference: " + dependency);
            }
        }
        if (annotations.has("eventing.knative.dev/injection")) {
            String injection = text(annotations, "eventing.knative.dev/injection");
            if (!injection.equals("enabled") && !injection.equals("disabled")) {
                add("metadata.annotations[eventing.knative.dev/injection]", "can only be \"enabled\" or \"disabled\", not \"" + injection + "\"");
            } else if (!text(spec, "broker").equals("default")) {
                add("metadata.annotations[eventing.knative.dev/injection]", "is only used for the default broker");
            }
        }
    }

    private void attributeName(String name, String path) {
        if (!ATTRIBUTE_NAME.matcher(name).matches()) {
            add(at(path, name), "invalid key name \"" + name + "\": Attribute name must start with a letter and can only contain lowercase alphanumeric");
        }
    }

    private void filters(JsonNode filters, String path) {
        for (int i = 0; i < filters.size(); i++) {
            filter(filters.get(i), path + "[" + i + "]");
        }
    }

    private void filter(JsonNode filter, String path) {
        if (!filter.isObject()) {
            return;
        }
        int dialects = 0;
        for (String dialect : List.of("exact", "prefix", "suffix", "all", "any")) {
            if (filter.path(dialect).size() > 0) {
                dialects++;
            }
        }
        if (filter.path("not").isObject()) {
            dialects++;
        }
        if (isSet(filter.path("cesql")) && dialects > 0 || dialects > 1) {
            add(path, "multiple dialects found, filters can have only one dialect set");
        }
        for (String dialect : List.of("exact", "prefix", "suffix")) {
            filter.path(dialect).properties().forEach(e -> attributeName(e.getKey(), at(path, dialect)));
        }
        filters(filter.path("all"), at(path, "all"));
        filters(filter.path("any"), at(path, "any"));
        filter(filter.path("not"), at(path, "not"));
    }

    private void pingSource(JsonNode spec) {
        String schedule = text(spec, "schedule");
        String timezone = text(spec, "timezone");
        if (!timezone.isEmpty() && !KnativeCron.isGoLocation(timezone)) {
            add("spec.timezone", "invalid value: provided bad location " + timezone);
        } else {
            KnativeCron.scheduleProblem(schedule).ifPresent(p -> add("spec.schedule", "invalid value: " + p));
        }
        destination(spec.path("sink"), "spec.sink", false);
        if (spec.path("sink").isMissingNode()) {
            add("spec.sink", "expected at least one, got none: [ref, uri]");
        }
        String data = text(spec, "data");
        String dataBase64 = text(spec, "dataBase64");
        if (!data.isEmpty() && !dataBase64.isEmpty()) {
            add("spec", "expected exactly one, got both: [data, dataBase64]");
        } else if (!dataBase64.isEmpty()) {
            try {
                String decoded = new String(java.util.Base64.getDecoder().decode(dataBase64), java.nio.charset.StandardCharsets.UTF_8);
                jsonObject(spec, decoded, "spec.dataBase64");
            } catch (IllegalArgumentException e) {
                add("spec.dataBase64", "invalid value: " + e.getMessage());
            }
        } else if (!data.isEmpty()) {
            jsonObject(spec, data, "spec.data");
        }
        spec.path("ceOverrides").path("extensions").properties().forEach(e -> {
            if (e.getKey().isEmpty() || !e.getKey().chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128)) {
                add("spec.ceOverrides.extensions", "invalid key name \"" + e.getKey() + "\": keys are expected to be alphanumeric");
            }
        });
    }

    /** With contentType application/json the data must decode into a JSON object (Go: map[string]interface{}). */
    private void jsonObject(JsonNode spec, String data, String path) {
        if (!text(spec, "contentType").equals("application/json")) {
            return;
        }
        try {
            if (!JSON.readTree(data).isObject()) {
                add(path, "invalid value: not a JSON object: " + data);
            }
        } catch (JacksonException e) {
            add(path, "invalid value: " + e.getOriginalMessage());
        }
    }

    private void integration(JsonNode spec, String what, List<String> plain, List<String> aws) {
        List<String> set = new ArrayList<>();
        plain.stream().filter(spec::has).forEach(set::add);
        JsonNode awsSpec = spec.path("aws");
        aws.stream().filter(awsSpec::has).map(kind -> "aws." + kind).forEach(set::add);
        if (set.size() > 1) {
            add("spec", "only one " + what + " type can be set: " + set);
        } else if (set.isEmpty()) {
            add("spec", "at least one " + what + " type must be specified");
        } else if (set.getFirst().startsWith("aws.")) {
            String kind = set.getFirst().substring(4);
            JsonNode auth = awsSpec.path("auth");
            boolean secret = isSet(auth.path("secret").path("ref").path("name"));
            boolean serviceAccount = serviceAccountAuth() && isSet(auth.path("serviceAccountName"));
            if (!secret && !serviceAccount) {
                add("spec.aws.auth.secret.ref.name", "missing field(s)" + (serviceAccountAuth()
                        ? " (or spec.aws.auth.serviceAccountName)" : " (Eventing " + release.eventing() + " knows no other auth)"));
            }
            JsonNode target = awsSpec.path(kind);
            String nameField = kind.equals("ddb-streams") ? "table" : "arn";
            for (String field : List.of(nameField, "region")) {
                if (!isSet(target.path(field))) {
                    add("spec.aws." + kind + "." + field, "missing field(s)");
                }
            }
        }
    }

    /** Eventing 1.20 added spec.aws.auth.serviceAccountName (IRSA, EKS Pod Identity). */
    private boolean serviceAccountAuth() {
        return ServingRules.compare(release.eventing(), "1.20.0") >= 0;
    }

    private void eventPolicy(JsonNode spec) {
        if (!config.eventingEnabled("authentication-oidc")) {
            add("", "oidc-authentication feature not enabled (config-features authentication-oidc: enabled)");
        }
        JsonNode from = spec.path("from");
        for (int i = 0; i < from.size(); i++) {
            String path = at("spec", "from", i);
            JsonNode entry = from.get(i);
            boolean ref = entry.path("ref").isObject();
            boolean sub = entry.has("sub") && !entry.path("sub").isNull();
            if (!ref && !isSet(entry.path("sub"))) {
                add(path, "expected exactly one, got neither: [ref, sub]");
            }
            if (ref && sub) {
                add(path, "expected exactly one, got both: [ref, sub]");
            }
            if (ref) {
                requireFields(entry.path("ref"), at(path, "ref"), "kind", "apiVersion", "name");
            }
            String subject = text(entry, "sub");
            int star = subject.indexOf('*');
            if (subject.length() > 1 && star >= 0 && star <= subject.length() - 2) {
                add(at(path, "sub"), "invalid value: " + subject + ": '*' is only allowed as suffix");
            }
        }
        JsonNode to = spec.path("to");
        for (int i = 0; i < to.size(); i++) {
            String path = at("spec", "to", i);
            boolean ref = to.get(i).path("ref").isObject();
            boolean selector = to.get(i).path("selector").isObject();
            if (!ref && !selector) {
                add(path, "expected exactly one, got neither: [ref, selector]");
            } else if (ref && selector) {
                add(path, "expected exactly one, got both: [ref, selector]");
            }
            if (ref) {
                requireFields(to.get(i).path("ref"), at(path, "ref"), "kind", "apiVersion", "name");
            }
        }
        filters(spec.path("filters"), "spec.filters");
    }

    private void requireFields(JsonNode node, String path, String... fields) {
        for (String field : fields) {
            if (!isSet(node.path(field))) {
                add(at(path, field), "missing field(s)");
            }
        }
    }

    /** duck/v1 DeliverySpec.Validate. */
    private void delivery(JsonNode delivery, String path) {
        if (!delivery.isObject()) {
            return;
        }
        if (delivery.has("deadLetterSink")) {
            destination(delivery.path("deadLetterSink"), at(path, "deadLetterSink"), false);
        }
        if (delivery.path("retry").asLong(0) < 0) {
            add(at(path, "retry"), "invalid value: " + delivery.path("retry").asLong());
        }
        if (delivery.has("timeout")) {
            if (config.eventingEnabled("delivery-timeout")) {
                Optional<IsoPeriod> timeout = IsoPeriod.parse(text(delivery, "timeout"));
                if (timeout.isEmpty() || timeout.get().isZero()) {
                    add(at(path, "timeout"), "invalid value: " + text(delivery, "timeout")
                            + " (a non-zero ISO-8601 duration; fractions keep one decimal place)");
                }
            } else {
                add(at(path, "timeout"), "must not set the field(s) (feature delivery-timeout is disabled)");
            }
        }
        String policy = text(delivery, "backoffPolicy");
        if (delivery.has("backoffPolicy") && !policy.equals("linear") && !policy.equals("exponential")) {
            add(at(path, "backoffPolicy"), "invalid value: " + policy);
        }
        if (delivery.has("backoffDelay") && IsoPeriod.parse(text(delivery, "backoffDelay")).isEmpty()) {
            add(at(path, "backoffDelay"), "invalid value: " + text(delivery, "backoffDelay"));
        }
        String format = text(delivery, "format");
        if (delivery.has("format") && !format.equals("json") && !format.equals("binary")) {
            add(at(path, "format"), "invalid value: " + format);
        }
        if (delivery.has("retryAfterMax")) {
            if (config.eventingEnabled("delivery-retryafter")) {
                Optional<IsoPeriod> max = IsoPeriod.parse(text(delivery, "retryAfterMax"));
                if (max.isEmpty() || max.get().negative()) {
                    add(at(path, "retryAfterMax"), "invalid value: " + text(delivery, "retryAfterMax"));
                }
            } else {
                add(at(path, "retryAfterMax"), "must not set the field(s) (feature delivery-retryafter is disabled)");
            }
        }
    }

    /** knative.dev/pkg duck/v1 ValidateDestination. */
    private void destination(JsonNode destination, String path, boolean required) {
        if (!destination.isObject()) {
            if (required) {
                add(path, "expected at least one, got none: [ref, uri]");
            }
            return;
        }
        boolean ref = destination.path("ref").isObject();
        String uri = text(destination, "uri");
        URI parsed = null;
        if (!uri.isEmpty()) {
            try {
                parsed = new URI(uri);
            } catch (java.net.URISyntaxException e) {
                add(at(path, "uri"), "invalid value: " + uri);
                return;
            }
        }
        if (!ref && parsed == null) {
            add(path, "expected at least one, got none: [ref, uri]");
        } else if (ref && parsed != null && parsed.isAbsolute()) {
            add(path, "Absolute URI is not allowed when Ref or [apiVersion, kind, name] is present");
        } else if (!ref && (!parsed.isAbsolute() || parsed.getHost() == null || parsed.getHost().isEmpty())) {
            add(at(path, "uri"), "invalid value: Relative URI is not allowed when Ref and [apiVersion, kind, name] is absent");
        } else if (ref) {
            kReference(destination.path("ref"), at(path, "ref"));
        }
    }

    /** knative.dev/pkg duck/v1 KReference.Validate. */
    private void kReference(JsonNode ref, String path) {
        if (!isSet(ref.path("name"))) {
            add(at(path, "name"), "missing field(s)");
        }
        if (config.eventingEnabled("kreference-group")) {
            if (!isSet(ref.path("apiVersion")) && !isSet(ref.path("group"))) {
                add(at(path, "apiVersion"), "missing field(s): apiVersion or group");
            }
        } else {
            if (isSet(ref.path("group"))) {
                add(at(path, "group"), "must not set the field(s) (feature kreference-group is disabled)");
            }
            if (!isSet(ref.path("apiVersion"))) {
                add(at(path, "apiVersion"), "missing field(s)");
            }
        }
        if (!isSet(ref.path("kind"))) {
            add(at(path, "kind"), "missing field(s)");
        }
    }
}
