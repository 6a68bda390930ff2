package dev.serverlessapp.users.gateway;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.server.reactive.ServerHttpRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The address of the client behind our proxies. {@code X-Forwarded-For} is believed only hop by hop
 * from trusted proxies: walking back from the connection's peer, each trusted hop vouches for the
 * address before it; the first untrusted one is the client. Anyone can send the header, so trusting
 * it from everyone would let a client pick a fresh bucket per request.
 */
final class ClientAddress {

    /** Only IP literals: anything else would make the matcher resolve a host name on the event loop. */
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final List<Range> trusted;

    ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().filter(p -> !p.isBlank()).map(p -> Range.parse(p.strip())).toList();
    }

    String of(ServerHttpRequest request) {
        InetSocketAddress peer = request.getRemoteAddress();
        String address = peer == null || peer.getAddress() == null ? "unknown" : peer.getAddress().getHostAddress();
        List<String> hops = forwardedFor(request);
        for (int i = hops.size() - 1; i >= 0 && isTrusted(address); i--) {
            String hop = canonical(hops.get(i));
            if (hop == null) {
                break;
            }
            address = hop;
        }
        return address;
    }

    private boolean isTrusted(String address) {
        if (!IP_LITERAL.matcher(address).matches()) {
            return false;
        }
        byte[] bytes = literal(address);
        return bytes != null && trusted.stream().anyMatch(range -> range.contains(bytes));
    }

    /** An address or CIDR range, such as {@code 10.0.0.0/8} or {@code ::1/128}. */
    record Range(byte[] network, int prefixBits) {

        static Range parse(String cidr) {
            String[] parts = cidr.split("/", 2);
            byte[] network = IP_LITERAL.matcher(parts[0]).matches() ? literal(parts[0]) : null;
            if (network == null) {
                throw new IllegalArgumentException("Not an IP address or CIDR range: " + cidr);
            }
            int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException("Bad prefix length in " + cidr);
            }
            return new Range(network, bits);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefixBits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** One spelling per address (2001:db8::5 and 2001:DB8:0::5 are one client); null if not an IP literal. */
    private static String canonical(String address) {
        if (!IP_LITERAL.matcher(address).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(address).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Parses an IP literal; InetAddress does no lookup for one. */
    private static byte[] literal(String address) {
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static List<String> forwardedFor(ServerHttpRequest request) {
        List<String> hops = new ArrayList<>();
        for (String header : request.getHeaders().getOrEmpty("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        return hops;
    }
}
