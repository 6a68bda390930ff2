package dev.serverlessapp.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, read from Linux's /proc: its socket inodes from
 * {@code /proc/<pid>/fd}, their local addresses from {@code /proc/net/tcp} and {@code tcp6}.
 */
final class ListeningSockets {

    /** A listening socket: its address as the kernel writes it, decoded, and its port. */
    record Listener(String address, int port) {
        boolean isLoopback() {
            return address.startsWith("127.") || address.equals("::1") || address.startsWith("::ffff:127.");
        }
    }

    private ListeningSockets() {
    }

    static boolean available() {
        return Files.isReadable(Path.of("/proc/net/tcp"));
    }

    static List<Listener> of(long pid) throws IOException {
        Map<String, Listener> byInode = new HashMap<>();
        read(Path.of("/proc/net/tcp"), false, byInode);
        read(Path.of("/proc/net/tcp6"), true, byInode);
        List<Listener> listeners = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                String link;
                try {
                    link = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                if (link.startsWith("socket:[") && byInode.containsKey(link.substring(8, link.length() - 1))) {
                    listeners.add(byInode.get(link.substring(8, link.length() - 1)));
                }
            }
        }
        return listeners;
    }

    private static void read(Path table, boolean v6, Map<String, Listener> byInode) throws IOException {
        if (!Files.isReadable(table)) {
            return;
        }
        List<String> lines = Files.readAllLines(table);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (!fields[3].equals("0A")) {
                continue; // not LISTEN
            }
            String[] local = fields[1].split(":");
            byInode.put(fields[9], new Listener(v6 ? ipv6(local[0]) : ipv4(local[0]), Integer.parseInt(local[1], 16)));
        }
    }

    /** The kernel writes an IPv4 address as one little-endian 32-bit hex word. */
    private static String ipv4(String hex) {
        long value = Long.parseLong(hex, 16);
        return (value & 0xff) + "." + (value >> 8 & 0xff) + "." + (value >> 16 & 0xff) + "." + (value >> 24 & 0xff);
    }

    /** ...and an IPv6 address as four of them. */
    private static String ipv6(String hex) {
        byte[] bytes = new byte[16];
        for (int word = 0; word < 4; word++) {
            long value = Long.parseLong(hex.substring(word * 8, word * 8 + 8), 16);
            for (int b = 0; b < 4; b++) {
                bytes[word * 4 + b] = (byte) (value >> (8 * b) & 0xff);
            }
        }
        try {
            java.net.InetAddress address = java.net.InetAddress.getByAddress(bytes);
            if (address instanceof java.net.Inet4Address) {
                return "::ffff:" + address.getHostAddress();
            }
            return address.isLoopbackAddress() ? "::1" : address.getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
