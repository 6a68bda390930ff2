package dev.serverlessapp.testing.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The fuzz suite of an event function: hostile CloudEvents over a real socket, in binary and structured
 * mode (and batches, and requests that are no event at all), with attributes kept, dropped, replaced by
 * hostile text or by the wrong JSON type, and data of every shape and size around the event size limit.
 * Each answer must keep {@link ProblemOracle}'s invariant, come within the timeout (else it is a hang),
 * and a refused event (any 4xx) must leave the backends as they were: the suite passes a snapshot of
 * what it can see (items in the table, objects in the bucket, mails caught), taken before and after.
 */
public final class EventFuzz {

    /** The largest event function-support reads (CloudEventHttp.MAX_EVENT_BYTES); bodies go around it. */
    public static final int MAX_EVENT_BYTES = 256 * 1024;

    /** Longer than any answer may take: a request still unanswered then hangs. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * The function settings the suite is run with: a request that stops short gets its 408 after a second,
     * not after the ten of the defaults. Each suite adds them to its function's properties.
     */
    public static final Map<String, String> SHORT_TIMEOUTS = Map.of(
            "app.request.body-timeout", "PT1S", "app.connection.head-timeout", "PT1S");

    /**
     * The ce-* headers together may pass Netty's 8 KiB header block: Netty refuses a longer one with 431
     * before any function code runs, and that answer must be a problem detail too (NettyRefusalProblems).
     */
    static final int MAX_HEADER_BYTES = 12000;

    private static final List<String> STRUCTURED_TYPES = List.of("application/cloudevents+json",
            "application/cloudevents+json; charset=utf-8", "application/cloudevents-batch+json",
            "application/cloudevents+xml", "application/cloudevents", "APPLICATION/CLOUDEVENTS+JSON");
    private static final List<String> DATA_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "text/plain", "application/octet-stream", "application/", "application/json, text/plain",
            "application/json; charset=bogus", "*/*", ";;", "text/xml", "application/problem+json", "\"application/json");
    private static final List<String> SPEC_VERSIONS = List.of("1.0", "1.0", "1.0", "0.3", "9000.1", "", "1", "1.0 ");

    private EventFuzz() {
    }

    /**
     * The event a function handles when nothing is wrong with it: the fuzz starts from it and breaks it.
     *
     * @param attributes the further attributes its source sets (Knative's SQS source: {@code subject}), in
     *                   a fixed order, so that a seed gives the same cases on every run; the fuzz may replace them
     * @param data       a valid, or almost valid, data document for the case's random source
     */
    public record Template(String type, String source, Map<String, String> attributes, Function<Random, String> data) {
    }

    /** One request as sent. */
    public record Request(String mode, List<String> headers, byte[] body) {
        @Override
        public String toString() {
            String text = new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8);
            List<String> shown = headers.stream().map(h -> h.length() <= 100 ? h : h.substring(0, 100) + "…(" + h.length() + ")").toList();
            return mode + " " + shown + " body(" + body.length + " bytes): " + text;
        }
    }

    /** How many answers had each status, for the suite's summary line. */
    public record Tally(String suite, Map<Integer, Integer> statuses, Duration took) {
        public int total() {
            return statuses.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int serverErrors() {
            return statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToInt(Map.Entry::getValue).sum();
        }

        @Override
        public String toString() {
            return "%s: %d events, seed %d, statuses %s, 5xx %d, hangs 0, %d s".formatted(suite, total(), Fuzz.seed(),
                    statuses, serverErrors(), took.toSeconds());
        }
    }

    /**
     * Runs the suite: {@code Fuzz.cases(small, large)} hostile events posted to {@code 127.0.0.1:port},
     * each checked against the oracle; {@code effects} is read before and after each refused event and
     * must not change. Prints and returns the tally.
     */
    public static Tally run(String suite, int small, int large, int port, Template template, Supplier<?> effects) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Map<Integer, Integer> statuses = new TreeMap<>();
        Instant start = Instant.now();
        Fuzz.run(suite, small, large, (random, index) -> {
            Request request = request(random, template);
            Object before = effects.get();
            // Every twentieth event goes whole in a first chunk and is then cut by a chunk that does not decode;
            // another twentieth stops short, in its head or in its body, and waits.
            boolean cut = index % 20 == 19;
            boolean stopped = index % 20 == 9;
            RawHttp.Response response = cut ? RawHttp.exchange(port, cutShort(request), TIMEOUT)
                    : stopped ? RawHttp.exchange(port, stopShort(request, random), TIMEOUT)
                    : raw(send(client, port, request));
            statuses.merge(response.status(), 1, Integer::sum);
            if (Boolean.getBoolean("fuzz.verbose")) {
                System.out.println("FUZZ case " + index + ": " + response.status() + " " + abbreviate(response.body(), 200));
            }
            try {
                ProblemOracle.check(response.status(), response.contentType(), response.body());
                if (cut && response.status() < 400) {
                    throw new AssertionError("a body cut by a chunk that does not decode was accepted: " + response.status());
                }
                if (stopped && response.status() < 400) {
                    throw new AssertionError("a request that stopped short was accepted: " + response.status());
                }
                if (response.status() >= 400) {
                    Object after = effects.get();
                    if (!Objects.equals(before, after)) {
                        throw new AssertionError("refused with " + response.status() + " but changed the backends: "
                                + before + " -> " + after);
                    }
                }
            } catch (AssertionError failure) {
                throw new AssertionError(failure.getMessage() + "\n  sent: " + request, failure);
            }
        });
        Tally tally = new Tally(suite, statuses, Duration.between(start, Instant.now()));
        System.out.println("FUZZ " + tally);
        return tally;
    }

    /**
     * The request with its body whole in a first chunk (none when it is empty), then a chunk whose size is not
     * hex: Netty refuses it with 400 after the route has started, and nothing of it may take effect.
     */
    static byte[] cutShort(Request request) {
        List<String> headers = new ArrayList<>(List.of("Host: localhost", "Transfer-Encoding: chunked", "Connection: close"));
        for (int i = 0; i < request.headers().size(); i += 2) {
            headers.add(request.headers().get(i) + ": " + request.headers().get(i + 1));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        // An empty body has no first chunk: a chunk of size 0 is the last one, which would end the body whole.
        if (request.body().length > 0) {
            body.writeBytes((Integer.toHexString(request.body().length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            body.writeBytes(request.body());
            body.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        body.writeBytes("ZZ\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return RawHttp.request("POST", "/", headers, body.toByteArray());
    }

    /**
     * The request declaring a body longer than it sends, or only the first part of its head; the client then
     * waits, its connection open. The function must answer (408, or a refusal it could give earlier) and not
     * take it for a whole event.
     */
    static byte[] stopShort(Request request, Random random) {
        List<String> headers = new ArrayList<>(List.of("Host: localhost"));
        for (int i = 0; i < request.headers().size(); i += 2) {
            headers.add(request.headers().get(i) + ": " + request.headers().get(i + 1));
        }
        headers.add("Content-Length: " + (request.body().length + 1 + random.nextInt(1000)));
        byte[] whole = RawHttp.request("POST", "/", headers, request.body());
        int headLength = whole.length - request.body().length;
        return random.nextBoolean() ? Arrays.copyOf(whole, 1 + random.nextInt(headLength - 1)) : whole;
    }

    private static RawHttp.Response raw(HttpResponse<String> response) {
        return new RawHttp.Response(response.statusCode(), response.headers().map(), response.body());
    }

    /** How many items the table holds: part of what a refused event must leave as it was. */
    public static int items(DynamoDbClient dynamo, String table) {
        return dynamo.scanPaginator(scan -> scan.tableName(table).select(Select.COUNT)).stream()
                .mapToInt(ScanResponse::count).sum();
    }

    /** How many objects the bucket holds. */
    public static int objects(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(list -> list.bucket(bucket)).stream().mapToInt(ListObjectsV2Response::keyCount).sum();
    }

    /** How many messages the queue holds, visible or in flight. */
    public static int messages(SqsClient sqs, String queueUrl) {
        Map<QueueAttributeName, String> counts = sqs.getQueueAttributes(get -> get.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return counts.values().stream().mapToInt(Integer::parseInt).sum();
    }

    /** Posts the request; no answer within {@link #TIMEOUT} fails as a hang. */
    public static HttpResponse<String> send(HttpClient client, int port, Request request)
            throws IOException, InterruptedException {
        HttpRequest.Builder http = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
        for (int i = 0; i < request.headers().size(); i += 2) {
            http.header(request.headers().get(i), request.headers().get(i + 1));
        }
        try {
            return client.send(http.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new AssertionError("hang: no answer within " + TIMEOUT + " to " + request, e);
        }
    }

    /** {@link KeptAliveFuzz} with the template's events: 60 connections in CI, 2 000 at the large size. */
    public static Map<Integer, Integer> runKeptAlive(String function, int port, Template template) {
        return KeptAliveFuzz.run(function + " kept-alive connections", 60, 2000, port,
                random -> keptAliveRequest(random, template), answer -> { });
    }

    /** Requests with no event that an event function answers at once, before any backend call. */
    private static final List<String> ANSWERED_AT_ONCE = List.of("GET /", "HEAD /", "OPTIONS /", "DELETE /",
            "GET /livez", "GET /readyz", "GET /nowhere");
    /** Accept fields for those: none mostly, sometimes with empty elements or nothing acceptable, or hostile. */
    private static final List<String> ACCEPTS = List.of("", "", "", "", "Accept: ", "Accept: ,", "Accept: text/plain, ,",
            "Accept: application/x-nothing", "Accept: */*;q=0", "Accept: \"application/json");

    /**
     * A request for {@link KeptAliveFuzz}: a hostile variation of the template's event, which the function
     * answers after its backends or refuses once it has read it, or a request it answers at once.
     */
    public static byte[] keptAliveRequest(Random random, Template template) {
        if (random.nextInt(3) == 0) {
            String[] line = Hostile.oneOf(random, ANSWERED_AT_ONCE).split(" ");
            String accept = random.nextInt(10) == 0
                    ? "Accept: " + Hostile.almostValid(random, "application/json").replaceAll("[\r\n]", " ")
                    : Hostile.oneOf(random, ACCEPTS);
            List<String> headers = accept.isEmpty() ? List.of("Host: localhost") : List.of("Host: localhost", accept);
            return RawHttp.request(line[0], line[1], headers, new byte[0]);
        }
        Request event = request(random, template);
        List<String> headers = new ArrayList<>(List.of("Host: localhost"));
        for (int i = 0; i < event.headers().size(); i += 2) {
            headers.add(event.headers().get(i) + ": " + event.headers().get(i + 1));
        }
        headers.add("Content-Length: " + event.body().length);
        return RawHttp.request("POST", "/", headers, event.body());
    }

    /** A hostile variation of the template's event. */
    public static Request request(Random random, Template template) {
        Map<String, Object> attributes = attributes(random, template);
        byte[] data = data(random, template);
        int mode = random.nextInt(30);
        if (mode < 14) {
            return binary(random, attributes, data);
        }
        if (mode < 28) {
            return structured(random, attributes, data);
        }
        if (mode == 28) {
            // A batch: function-support takes single events only.
            String batch = "[" + structuredJson(random, attributes, data) + "]";
            return new Request("batch", List.of("Content-Type", "application/cloudevents-batch+json"), utf8(batch));
        }
        // No event at all: plain JSON, or bytes of no format.
        return new Request("none", List.of("Content-Type", Hostile.oneOf(random, DATA_TYPES)),
                random.nextBoolean() ? data : Hostile.bytes(random, 2048));
    }

    /** The context attributes, each kept, dropped, or replaced with something hostile (a String, or any JSON value as a Raw). */
    private static Map<String, Object> attributes(Random random, Template template) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("specversion", random.nextInt(8) > 0 ? "1.0" : Hostile.oneOf(random, SPEC_VERSIONS));
        attributes.put("id", new UUID(random.nextLong(), random.nextLong()).toString());
        attributes.put("source", template.source());
        attributes.put("type", template.type());
        attributes.putAll(template.attributes());
        if (random.nextInt(4) == 0) {
            attributes.put("time", random.nextBoolean() ? "2026-12-02T10:00:00Z" : Hostile.almostValid(random, "2026-12-02T10:00:00Z"));
        }
        if (random.nextInt(6) == 0) {
            attributes.put("subject", Hostile.text(random, 64));
        }
        if (random.nextInt(8) == 0) {
            attributes.put("dataschema", Hostile.almostValid(random, "https://example.com/schema"));
        }
        if (random.nextInt(8) == 0) {
            attributes.put(Hostile.oneOf(random, List.of("traceparent", "knativearrivaltime", "Bad_Name", "x-y", "ext")),
                    Hostile.text(random, 80));
        }
        // Most events keep every attribute, so that the data is fuzzed behind a valid envelope too.
        boolean breakAttributes = random.nextInt(3) == 0;
        for (String name : List.copyOf(attributes.keySet())) {
            switch (breakAttributes ? random.nextInt(8) : 5) {
                case 0 -> attributes.remove(name);
                case 1 -> attributes.put(name, Hostile.text(random, 40));
                case 2 -> attributes.put(name, Hostile.almostValid(random, String.valueOf(attributes.get(name))));
                case 3 -> attributes.put(name, "a".repeat(Hostile.around(random, 1024)));
                case 4 -> attributes.put(name, new Raw(Hostile.json(random, 2)));
                default -> {
                    // kept as it is
                }
            }
        }
        return attributes;
    }

    /** A JSON value written as it is in structured mode, of whatever type it is. */
    private record Raw(String json) {
        @Override
        public String toString() {
            return json;
        }
    }

    private static byte[] data(Random random, Template template) {
        return switch (random.nextInt(24)) {
            case 0, 1 -> utf8(Hostile.json(random, 3));
            case 2 -> utf8(Hostile.text(random, 200));
            case 3 -> Hostile.bytes(random, 512);
            case 4 -> new byte[0];
            case 5, 6 -> sized(random, template.data().apply(random));
            default -> utf8(template.data().apply(random));
        };
    }

    /** The data padded to a size around the event limit, still valid JSON when it was. */
    private static byte[] sized(Random random, String data) {
        int size = Hostile.around(random, MAX_EVENT_BYTES - 200);
        String padding = "x".repeat(Math.min(size, 4 * MAX_EVENT_BYTES));
        return utf8(data.startsWith("{") ? "{\"padding\":\"" + padding + "\"," + data.substring(1) : data + padding);
    }

    private static Request binary(Random random, Map<String, Object> attributes, byte[] data) {
        List<String> headers = new ArrayList<>();
        int[] budget = {MAX_HEADER_BYTES};
        attributes.forEach((name, value) -> {
            String header = headerValue(random, String.valueOf(value), Math.max(0, budget[0]));
            budget[0] -= header.length() + name.length() + 8;
            headers.add("ce-" + name);
            headers.add(header);
        });
        if (random.nextInt(10) > 0) {
            headers.add("Content-Type");
            headers.add(headerValue(random, random.nextInt(3) > 0 ? "application/json" : Hostile.oneOf(random, DATA_TYPES), 200));
        }
        return new Request("binary", headers, data);
    }

    private static Request structured(Random random, Map<String, Object> attributes, byte[] data) {
        String contentType = random.nextInt(5) > 0 ? STRUCTURED_TYPES.getFirst() : Hostile.oneOf(random, STRUCTURED_TYPES);
        String json = structuredJson(random, attributes, data);
        if (random.nextInt(25) == 0) {
            json = Hostile.truncate(random, json);
        }
        List<String> headers = new ArrayList<>(List.of("Content-Type", contentType));
        if (random.nextInt(10) == 0) {
            // Attributes in headers as well, which structured mode ignores.
            headers.addAll(List.of("ce-specversion", "1.0", "ce-id", "header-id"));
        }
        return new Request("structured", headers, utf8(json));
    }

    private static String structuredJson(Random random, Map<String, Object> attributes, byte[] data) {
        StringBuilder json = new StringBuilder("{");
        attributes.forEach((name, value) -> json.append(Hostile.quote(name)).append(':')
                .append(value instanceof Raw raw ? raw.json() : Hostile.quote(String.valueOf(value))).append(','));
        String text = new String(data, StandardCharsets.UTF_8);
        switch (random.nextInt(8)) {
            case 0 -> json.append("\"data_base64\":").append(Hostile.quote(Base64.getEncoder().encodeToString(data)));
            case 1 -> json.append("\"datacontenttype\":\"text/plain\",\"data\":").append(Hostile.quote(text));
            default -> json.append("\"datacontenttype\":\"application/json\",\"data\":").append(text.isEmpty() ? "null" : text);
        }
        return json.append('}').toString();
    }

    /**
     * A header value java.net.http will send: printable ASCII as it is, the rest percent-encoded as UTF-8
     * (lone surrogates as the bytes Java would give them, which are not UTF-8), as the CloudEvents HTTP
     * binding encodes attribute values; sometimes a Latin-1 character raw, as obs-text.
     */
    static String headerValue(Random random, String value, int maxLength) {
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < value.length() && header.length() < maxLength; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '%') {
                header.append(c);
            } else if (c >= 0xA0 && c <= 0xFF && random.nextInt(4) == 0) {
                header.append(c);
            } else {
                for (byte b : wtf8(c)) {
                    header.append('%').append("%02X".formatted(b & 0xFF));
                }
            }
        }
        return header.toString();
    }

    private static byte[] wtf8(char c) {
        if (!Character.isSurrogate(c)) {
            return String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        }
        return new byte[] {(byte) (0xE0 | (c >> 12)), (byte) (0x80 | ((c >> 6) & 0x3F)), (byte) (0x80 | (c & 0x3F))};
    }

    private static String abbreviate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length) + "…";
    }

    private static byte[] utf8(String text) {
        return Hostile.utf8(text);
    }
}
