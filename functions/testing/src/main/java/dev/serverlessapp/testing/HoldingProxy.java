package dev.serverlessapp.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy in front of a backend (dynalite, say) that holds back the requests a test names,
 * by text they contain (an API name, a key), while every other request passes. A held request reaches
 * the backend late, when the test releases it (so its write lands after the client gave up), or never,
 * when the test drops it. This is a stall at one chosen step, which a hung server cannot give: the
 * steps before it pass, and the test knows when the client is stuck there.
 */
public final class HoldingProxy implements AutoCloseable {

    private final ServerSocket socket;
    private final URI target;
    private final List<Hold> holds = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private HoldingProxy(ServerSocket socket, URI target) {
        this.socket = socket;
        this.target = target;
        Thread.ofVirtual().name("holding-proxy").start(this::acceptForever);
    }

    public static HoldingProxy to(URI target) {
        try {
            return new HoldingProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    /** Holds every request that contains all of {@code texts} until {@link Hold#release} or {@link Hold#drop}. */
    public Hold hold(String... texts) {
        Hold hold = new Hold(List.of(texts), false);
        holds.add(hold);
        return hold;
    }

    /** Lets matching requests through, counting them: a test waits for a step to have happened. */
    public Hold watch(String... texts) {
        Hold watch = new Hold(List.of(texts), true);
        holds.add(watch);
        return watch;
    }

    /** Requests that contain given texts: how many came, and what becomes of them. */
    public static final class Hold {
        private final List<String> texts;
        private final CountDownLatch released;
        private final AtomicInteger seen = new AtomicInteger();
        private final AtomicInteger answered = new AtomicInteger();
        /** Requests numbered up to this one are dropped; later ones pass. */
        private volatile int droppedUpTo;

        private Hold(List<String> texts, boolean passing) {
            this.texts = texts;
            this.released = new CountDownLatch(passing ? 0 : 1);
        }

        /** Requests that matched so far. */
        public int seen() {
            return seen.get();
        }

        /**
         * Matching requests the backend has answered (the answer began to come back): a released request
         * has landed, whether or not its client still waits for it.
         */
        public int answered() {
            return answered.get();
        }

        /** Held requests go on to the backend, and later ones pass. */
        public void release() {
            released.countDown();
        }

        /** Held requests never reach the backend (their connections are cut, as by a crash); later ones pass. */
        public void drop() {
            droppedUpTo = seen.get();
            released.countDown();
        }

        private boolean matches(String request) {
            return texts.stream().allMatch(request::contains);
        }
    }

    private void acceptForever() {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                Socket backend = new Socket(target.getHost(), target.getPort());
                open.add(client);
                open.add(backend);
                Connection connection = new Connection(client, backend);
                Thread.ofVirtual().start(connection::forwardRequests);
                Thread.ofVirtual().start(connection::forwardResponses);
            } catch (IOException backendDown) {
                close(client);
            }
        }
    }

    /**
     * One client connection. Each request is read whole (headers, then Content-Length bytes of body)
     * before anything of it goes on, so a held or dropped request never reaches the backend in part:
     * dynalite dies on a request cut off half way.
     */
    private final class Connection {
        private final Socket client;
        private final Socket backend;
        /** The holds that matched the request sent last, told when its answer comes (no pipelining). */
        private volatile List<Hold> awaitingAnswer = List.of();

        Connection(Socket client, Socket backend) {
            this.client = client;
            this.backend = backend;
        }

        void forwardRequests() {
            try (InputStream in = new BufferedInputStream(client.getInputStream());
                    OutputStream out = backend.getOutputStream()) {
                for (byte[] request; (request = readRequest(in)) != null; ) {
                    String text = new String(request, StandardCharsets.ISO_8859_1);
                    List<Hold> matched = holds.stream().filter(hold -> hold.matches(text)).toList();
                    for (Hold hold : matched) {
                        int number = hold.seen.incrementAndGet();
                        hold.released.await();
                        if (number <= hold.droppedUpTo) {
                            closeBoth();
                            return;
                        }
                    }
                    awaitingAnswer = matched;
                    out.write(request);
                    out.flush();
                }
                backend.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                closeBoth();
            }
        }

        void forwardResponses() {
            try (InputStream in = backend.getInputStream(); OutputStream out = client.getOutputStream()) {
                byte[] buffer = new byte[8192];
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    List<Hold> answered = awaitingAnswer;
                    awaitingAnswer = List.of();
                    answered.forEach(hold -> hold.answered.incrementAndGet());
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // The client went away; the request side closes the rest.
            } finally {
                closeBoth();
            }
        }

        private void closeBoth() {
            close(client);
            close(backend);
        }
    }

    /** One whole HTTP/1.1 request with a Content-Length body (as the AWS SDK sends), or null at the end. */
    static byte[] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            request.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headers = request.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int at = headers.indexOf("\ncontent-length:");
        if (at >= 0) {
            int end = headers.indexOf('\r', at + 1);
            int length = Integer.parseInt(headers.substring(at + "\ncontent-length:".length(), end).trim());
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                return null;
            }
            request.write(body);
        }
        return request.toByteArray();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        holds.forEach(Hold::drop);
        for (Socket s : open) {
            s.close();
        }
    }
}
