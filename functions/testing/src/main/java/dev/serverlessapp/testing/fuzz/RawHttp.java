package dev.serverlessapp.testing.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP/1.1 over a plain socket, sent byte for byte as given: for what java.net.http refuses to send (a
 * bad request line, a lower-case method, a raw path, control characters or thousands of headers). Each
 * {@link #exchange} is one request on a fresh connection and reads one response; {@link KeptAlive} sends
 * several on one connection, pipelined or one after the other.
 */
public final class RawHttp {

    /** No answer within the timeout: the server hangs on this request. */
    public static final class HangException extends IOException {
        HangException(String message) {
            super(message);
        }
    }

    /** One response; header names are lower-cased. */
    public record Response(int status, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        public String contentType() {
            String type = header("content-type");
            return type == null ? "" : type;
        }

        /** Checks the fuzz oracle on this answer: no 5xx, and every 4xx a problem detail. */
        public Response checkProblemOracle() {
            ProblemOracle.check(status, contentType(), body);
            return this;
        }
    }

    private RawHttp() {
    }

    /** A request: the request line, the headers as given (no Host unless given), and the body. */
    public static byte[] request(String method, String target, List<String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        head.append("\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[start.length + body.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    /** Sends {@code request} to 127.0.0.1:{@code port} and reads the answer, or throws {@link HangException}. */
    public static Response exchange(int port, byte[] request, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // The server may answer and close before it has read everything (a header block too large).
            }
            boolean head = new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1)
                    .equals("HEAD ");
            return read(new DeadlineInput(socket.getInputStream(), deadline), head);
        } catch (SocketTimeoutException e) {
            throw new HangException("no answer within " + timeout);
        }
    }

    /**
     * One kept-alive connection to 127.0.0.1: requests written as given, several in one write to pipeline
     * them, and their answers read in order, each within the timeout.
     */
    public static final class KeptAlive implements Closeable {
        private final Socket socket;
        private final Duration timeout;

        private KeptAlive(Socket socket, Duration timeout) {
            this.socket = socket;
            this.timeout = timeout;
        }

        public static KeptAlive open(int port, Duration timeout) throws IOException {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            return new KeptAlive(socket, timeout);
        }

        /** Writes the requests back to back, in one write. */
        public void write(List<byte[]> requests) throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            requests.forEach(all::writeBytes);
            socket.getOutputStream().write(all.toByteArray());
            socket.getOutputStream().flush();
        }

        /**
         * Writes the bytes from a thread of its own and returns how many the server had taken once writing made
         * no progress for {@code stall}: all of them if it never stalled. The writer goes on in the background
         * until the server takes the rest or the connection closes.
         */
        public long writeUntilStalled(byte[] bytes, Duration stall) throws InterruptedException {
            AtomicLong written = new AtomicLong();
            Thread.ofPlatform().daemon().name("raw-http-writer").start(() -> {
                try {
                    for (int at = 0; at < bytes.length; at += 16 * 1024) {
                        int length = Math.min(16 * 1024, bytes.length - at);
                        socket.getOutputStream().write(bytes, at, length);
                        written.addAndGet(length);
                    }
                } catch (IOException closed) {
                    // the test has closed the connection, or the server has
                }
            });
            long seen;
            do {
                seen = written.get();
                Thread.sleep(stall);
            } while (written.get() != seen && written.get() < bytes.length);
            return written.get();
        }

        /** The next answer on the connection, or {@link HangException} when none comes within the timeout. */
        public Response read(boolean head) throws IOException {
            try {
                return RawHttp.read(new DeadlineInput(socket.getInputStream(), System.nanoTime() + timeout.toNanos()), head);
            } catch (SocketTimeoutException e) {
                throw new HangException("no answer within " + timeout + " on a kept-alive connection");
            }
        }

        /**
         * Waits for the server to end the connection: true when it closes (or resets) it without sending
         * anything more, false when bytes come first; {@link HangException} when it does neither within the
         * timeout.
         */
        public boolean closedQuietly() throws IOException {
            try {
                return socket.getInputStream().read() < 0;
            } catch (SocketTimeoutException e) {
                throw new HangException("the connection was neither used nor closed within " + timeout);
            } catch (IOException reset) {
                return true;
            }
        }

        /** Whether an answer's first bytes have arrived, without waiting (false on a reset or closed connection). */
        public boolean answerWaiting() {
            try {
                return socket.getInputStream().available() > 0;
            } catch (IOException reset) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Response read(InputStream in, boolean head) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("connection closed without an answer");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
        }
        if (status / 100 == 1) {
            // 100 Continue and the like: the real answer follows.
            return read(in, head);
        }
        byte[] body;
        List<String> length = headers.get("content-length");
        List<String> encoding = headers.get("transfer-encoding");
        if (head || status == 204 || status == 304) {
            body = new byte[0];
        } else if (encoding != null && encoding.getFirst().equalsIgnoreCase("chunked")) {
            body = chunked(in);
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length.getFirst()));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                throw new IOException("chunked body cut short");
            }
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            if (length == 0) {
                while (true) {
                    String trailer = line(in);
                    if (trailer == null || trailer.isEmpty()) {
                        return body.toByteArray();
                    }
                }
            }
            body.write(in.readNBytes(length));
            line(in);
        }
    }

    /** One CRLF-terminated line, without the CRLF; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Bounds the whole read, not only each read call: a server that trickles bytes also hangs. */
    private static final class DeadlineInput extends InputStream {
        private final InputStream in;
        private final long deadline;

        DeadlineInput(InputStream in, long deadline) {
            this.in = in;
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            check();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            return in.read(b, off, len);
        }

        private void check() throws SocketTimeoutException {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("deadline passed");
            }
        }
    }
}
