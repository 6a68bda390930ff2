package dev.serverlessapp.local.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what no HTTP client sends: any request target, method or header,
 * a body shorter than its Content-Length, a request that never ends. One request per connection.
 */
public final class RawHttp {

    /** What came back: the status (0 when the server closed without answering) and the whole body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        public boolean closedWithoutAnswer() {
            return status == 0;
        }
    }

    private RawHttp() {
    }

    /** Sends the bytes as they are and reads one answer; more than {@code timeout} in all is a hang. */
    public static Answer exchange(int port, byte[] request, Duration timeout) {
        return exchange("127.0.0.1", port, request, timeout);
    }

    /** The same from a chosen local address (any 127.x.y.z is loopback on Linux): a client with another IP. */
    public static Answer exchange(String from, int port, byte[] request, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // The server may answer and close before taking the whole request (413, 431, …).
            }
            boolean head = new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1).equals("HEAD ");
            return read(socket.getInputStream(), deadline, timeout, head);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("No answer within " + timeout + " (a hang)", e);
        } catch (IOException e) {
            throw new AssertionError("The exchange failed: " + e, e);
        }
    }

    public static byte[] request(String method, String target, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("host"))) {
            head.append("Host: localhost\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0 && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("content-length")
                || h.equalsIgnoreCase("transfer-encoding"))) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[start.length + body.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    private static Answer read(InputStream in, long deadline, Duration timeout, boolean head) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int headEnd = -1;
        byte[] buffer = new byte[8192];
        while (headEnd < 0 || received.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 1")) {
            if (headEnd >= 0) {
                // An interim answer (100 Continue): the real one follows.
                byte[] rest = received.toByteArray();
                received.reset();
                received.write(rest, headEnd + 4, rest.length - headEnd - 4);
                headEnd = received.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
                continue;
            }
            int n = readBefore(in, buffer, deadline, timeout);
            if (n < 0) {
                if (received.size() == 0) {
                    return new Answer(0, Map.of(), "");
                }
                throw new IOException("The connection closed inside the response head: " + received);
            }
            received.write(buffer, 0, n);
            headEnd = received.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        }
        String all = received.toString(StandardCharsets.ISO_8859_1);
        String[] lines = all.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] bytes = received.toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(bytes, headEnd + 4, bytes.length - headEnd - 4);
        long length = head ? 0 : Long.parseLong(headers.getOrDefault("content-length", "-1"));
        while (length < 0 || body.size() < length) {
            int n = readBefore(in, buffer, deadline, timeout);
            if (n < 0) {
                break;
            }
            body.write(buffer, 0, n);
        }
        return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static int readBefore(InputStream in, byte[] buffer, long deadline, Duration timeout) throws IOException {
        if (System.nanoTime() > deadline) {
            throw new SocketTimeoutException("over " + timeout);
        }
        return in.read(buffer);
    }
}
