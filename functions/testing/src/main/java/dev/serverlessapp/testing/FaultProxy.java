package dev.serverlessapp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on loopback in front of a backend, that can fail the way networks and servers fail:
 * <ul>
 *   <li>{@link #pass()}: bytes flow both ways;</li>
 *   <li>{@link #stall()}: connections are accepted, but no byte moves either way until {@link #pass()};
 *       then what was held is delivered late, as with a server that hung (a SIGSTOP) and came back;</li>
 *   <li>{@link #cut()}: every open connection is reset, and new ones are reset at once, until
 *       {@link #pass()}.</li>
 * </ul>
 * Each connection is served by virtual threads with blocking sockets; nothing here is on an event loop.
 */
public final class FaultProxy implements AutoCloseable {

    private enum Mode { PASS, STALL, CUT }

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition flowing = lock.newCondition();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;

    private FaultProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** A proxy on {@code port} (0 = a free one) to {@code 127.0.0.1:targetPort}; the target may come and go. */
    public static FaultProxy start(int port, int targetPort) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            FaultProxy proxy = new FaultProxy(server, targetPort);
            Thread.ofVirtual().name("fault-proxy-accept-" + server.getLocalPort()).start(proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not listen on port " + port, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public void pass() {
        setMode(Mode.PASS);
    }

    public void stall() {
        setMode(Mode.STALL);
    }

    public void cut() {
        setMode(Mode.CUT);
        sockets.forEach(FaultProxy::reset);
    }

    private void setMode(Mode next) {
        lock.lock();
        try {
            mode = next;
            flowing.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (mode == Mode.CUT) {
                reset(client);
                continue;
            }
            Thread.ofVirtual().name("fault-proxy-" + port()).start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        sockets.add(client);
        Socket target = new Socket();
        try {
            target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
        } catch (IOException e) {
            // The backend is down: the client sees its connection dropped, as it would without the proxy.
            reset(client);
            sockets.remove(client);
            return;
        }
        sockets.add(target);
        Thread.ofVirtual().name("fault-proxy-up-" + port()).start(() -> pump(client, target));
        pump(target, client);
    }

    /** Copies one direction; before each write it waits while stalled. Either side ending ends both. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (!awaitFlowing()) {
                    break;
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // a reset or a close on either side: end both below
        } finally {
            close(from);
            close(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    /** Waits out a stall; answers false when the connection is to be dropped (cut or closed). */
    private boolean awaitFlowing() {
        lock.lock();
        try {
            while (mode == Mode.STALL && !closed) {
                flowing.awaitUninterruptibly();
            }
            return mode == Mode.PASS && !closed;
        } finally {
            lock.unlock();
        }
    }

    private static void reset(Socket socket) {
        try {
            // Linger 0: the peer gets a RST, as from a crashed or unplugged host, not a polite FIN.
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        close(socket);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        setMode(Mode.CUT);
        try {
            server.close();
        } catch (IOException e) {
            // nothing to do
        }
        sockets.forEach(FaultProxy::reset);
    }

    @Override
    public String toString() {
        return "fault proxy :" + port() + " → :" + targetPort + " (" + mode + ")";
    }
}
