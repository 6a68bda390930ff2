package dev.serverlessapp.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal SMTP server on a real socket that refuses recipients: {@code reject-*} with 550 (mailbox
 * unavailable, permanent) and {@code busy-*} with 450 (try again later). GreenMail accepts every
 * recipient, so this is the only way to make a real SMTP client see those replies. It never accepts
 * a mail, and records the commands it was sent.
 */
final class RejectingSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final List<String> commands = new CopyOnWriteArrayList<>();

    RejectingSmtpServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("rejecting-smtp").start(this::acceptLoop);
    }

    int port() {
        return socket.getLocalPort();
    }

    List<String> commands() {
        return commands;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread.ofVirtual().start(() -> converse(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void converse(Socket client) {
        try (client;
                var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                var out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            reply(out, "220 rejecting.test ESMTP");
            for (String line; (line = in.readLine()) != null; ) {
                commands.add(line);
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO") || command.startsWith("HELO")) {
                    reply(out, "250 rejecting.test");
                } else if (command.startsWith("RCPT TO:<REJECT-")) {
                    reply(out, "550 5.1.1 Mailbox unavailable");
                } else if (command.startsWith("RCPT TO:<BUSY-")) {
                    reply(out, "450 4.2.1 Mailbox busy, try again later");
                } else if (command.startsWith("MAIL") || command.startsWith("RSET") || command.startsWith("NOOP")) {
                    reply(out, "250 OK");
                } else if (command.startsWith("QUIT")) {
                    reply(out, "221 Bye");
                    return;
                } else {
                    reply(out, "503 5.5.1 No valid recipients");
                }
            }
        } catch (IOException e) {
            // The client hung up; nothing to answer.
        }
    }

    private static void reply(PrintWriter out, String line) {
        out.print(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
