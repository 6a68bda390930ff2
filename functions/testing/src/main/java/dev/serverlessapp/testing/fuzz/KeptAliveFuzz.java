package dev.serverlessapp.testing.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Requests on kept-alive connections, as Knative's queue-proxy and HTTP clients send them: several on one
 * connection, some pipelined (written before the answer to the one before), some sent the moment the
 * answer before them arrives. A function answers some requests at once (a 401 or a 405, before it reads
 * anything) and others later (after its backends). Every request must get its answer, in order, within
 * the timeout, and the connection must then still take one more request. Reactor Netty 1.3.6 stopped
 * reading from such a connection after a queued request was answered at once (reactor-netty#4361): the
 * next request on it waited for ever. 1.3.8 still lost some pipelined requests (function-support's
 * {@code PipelinedRequestHold} mends that). One connection in sixteen pipelines a flood in one write: more
 * requests than that hold keeps before it stops reading the connection, so its pause and resume are
 * fuzzed too.
 */
public final class KeptAliveFuzz {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The request that must still be answered, with this status, after a connection's generated requests. */
    public record Probe(byte[] request, int status) {
        /** A function's readiness: answered 200 on the serving port. */
        public static final Probe READYZ = new Probe(
                "GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 200);
    }

    private KeptAliveFuzz() {
    }

    /**
     * Runs {@code Fuzz.cases(small, large)} connections to {@code 127.0.0.1:port}, each with two to seven
     * requests from {@code request} (well framed, without {@code Connection: close}) in groups of one to
     * three per write, or a flood of 17 to 40 in one write, then {@link Probe#READYZ}. Well framed means each header
     * on its own line too: a CR or LF in a generated value ends the header section early, and the server rightly
     * reads the rest as the next request. Each answer goes to {@code answered} too, for the suite's
     * own checks. Returns how many answers had each status; the probes' are not counted.
     */
    public static Map<Integer, Integer> run(String suite, int small, int large, int port,
            Function<Random, byte[]> request, Consumer<RawHttp.Response> answered) {
        return run(suite, small, large, port, Probe.READYZ, request, answered);
    }

    /** The same with another probe, for a server that has no {@code /readyz}. */
    public static Map<Integer, Integer> run(String suite, int small, int large, int port, Probe probe,
            Function<Random, byte[]> request, Consumer<RawHttp.Response> answered) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        Instant start = Instant.now();
        Fuzz.run(suite, small, large, (random, index) -> {
            boolean flood = random.nextInt(16) == 0;
            List<byte[]> requests = new ArrayList<>();
            for (int i = flood ? 17 + random.nextInt(24) : 2 + random.nextInt(6); i > 0; i--) {
                requests.add(request.apply(random));
            }
            List<String> transcript = new ArrayList<>();
            try (RawHttp.KeptAlive connection = RawHttp.KeptAlive.open(port, TIMEOUT)) {
                int next = 0;
                while (next < requests.size()) {
                    List<byte[]> group = requests.subList(next,
                            flood ? requests.size() : Math.min(requests.size(), next + 1 + random.nextInt(3)));
                    boolean written = write(connection, group);
                    transcript.add((written ? "wrote " : "closed while writing ") + group.size());
                    for (byte[] sent : group) {
                        if (!written && !connection.answerWaiting()) {
                            return; // refused part way (a body over the limit) and closed: no hang, no answer to check
                        }
                        RawHttp.Response answer = read(connection, sent, next++, transcript);
                        transcript.add(firstLine(sent) + " -> " + answer.status());
                        statuses.merge(answer.status(), 1, Integer::sum);
                        answered.accept(answer);
                        if ("close".equalsIgnoreCase(answer.header("Connection"))) {
                            return; // the server may end a connection; it must not stall one
                        }
                    }
                }
                connection.write(List.of(probe.request()));
                int status = read(connection, probe.request(), next, transcript).status();
                if (status != probe.status()) {
                    // The last request in full: one whose header section ends early leaves its body to be read
                    // as the next request, and its first line does not show that.
                    throw new AssertionError("the probe after " + next + " requests got " + status + ": " + transcript
                            + "\n  the last request before it: " + visible(new String(requests.getLast(),
                                    StandardCharsets.ISO_8859_1)));
                }
            }
        });
        System.out.printf("FUZZ %s: %d requests on kept-alive connections, seed %d, statuses %s, 5xx 0, hangs 0, %d s%n",
                suite, statuses.values().stream().mapToInt(Integer::intValue).sum(), Fuzz.seed(), statuses,
                Duration.between(start, Instant.now()).toSeconds());
        return statuses;
    }

    /** False when the server closed the connection before taking all of the group, as it may after refusing one. */
    private static boolean write(RawHttp.KeptAlive connection, List<byte[]> group) {
        try {
            connection.write(group);
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** The request as text, its line feeds kept and every other control character escaped (a CR as \r). */
    private static String visible(String request) {
        StringBuilder text = new StringBuilder();
        request.chars().forEach(c -> text.append(c == '\n' || (c >= 0x20 && c < 0x7F) ? Character.toString(c)
                : c == '\r' ? "\\r" : "\\u%04x".formatted(c)));
        return text.toString();
    }

    private static String firstLine(byte[] request) {
        String text = new String(request, 0, Math.min(request.length, 200), StandardCharsets.ISO_8859_1);
        return visible(text.lines().findFirst().orElse(""));
    }

    private static RawHttp.Response read(RawHttp.KeptAlive connection, byte[] sent, int position,
            List<String> transcript) throws Exception {
        String request = new String(sent, 0, Math.min(sent.length, 300), StandardCharsets.ISO_8859_1);
        try {
            RawHttp.Response answer = connection.read(request.startsWith("HEAD "));
            if (request.startsWith("HEAD ")) {
                // An answer to HEAD has no body, problem detail or not.
                ProblemOracle.check(answer.status() >= 500 ? answer.status() : 200, "", "");
            } else {
                answer.checkProblemOracle();
            }
            return answer;
        } catch (Exception | AssertionError failure) {
            throw new AssertionError("request " + position + " on the connection: " + failure.getMessage()
                    + "\n  before it: " + transcript + "\n  sent: " + visible(request), failure);
        }
    }
}
