package dev.stepwise.kube.notify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which receivers a notification may reach: {@code https} URLs whose host resolves to a public
 * address. Loopback, private (10/8, 172.16/12, 192.168/16, CGNAT 100.64/10, IPv6 ULA fc00::/7),
 * link-local (169.254/16, fe80::/10), multicast, unspecified and reserved addresses are refused, in
 * IPv4-mapped, -compatible, NAT64 and 6to4 IPv6 forms too, and so are the operator's own addresses,
 * unless the operator-wide allow-list ({@code stepwise.notifications.allowed-hosts}: host names and
 * CIDRs) names them. {@code http} is allowed only for a host the list names by name, or an address
 * inside one of its CIDRs.
 * <p>
 * Pure: {@link #target} reads a URL without any lookup (numeric hosts such as {@code 2130706433} or
 * {@code 0x7f.1} are read as the address a resolver would make of them); {@link #choose} judges the
 * addresses the caller resolved and picks the one to connect to, so what was checked is what is
 * reached. Reasons are coarse ({@code refused: private address}), never the remote's words.
 */
public final class AddressPolicy {
    /** URLs longer than this are refused: a notification URL is a host, a path and maybe a token. */
    static final int MAX_URL_LENGTH = 2048;
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
    /** A label that makes a host an IPv4 number (WHATWG's "ends in a number"): decimal digits or 0x hex. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

    private final Set<String> hosts;
    private final List<Cidr> cidrs;
    private final Set<InetAddress> own;

    private AddressPolicy(Set<String> hosts, List<Cidr> cidrs, Set<InetAddress> own) {
        this.hosts = hosts;
        this.cidrs = cidrs;
        this.own = own;
    }

    /**
     * @param allowed host names and CIDRs (a bare IP is a /32 or /128) that may be reached over http or
     *                at refused addresses; blank entries are skipped
     * @param own     the operator's own addresses (its interfaces, the API server's)
     * @throws IllegalArgumentException naming an entry that is neither a host name nor a CIDR
     */
    public static AddressPolicy of(Collection<String> allowed, Collection<InetAddress> own) {
        Set<String> hosts = new HashSet<>();
        List<Cidr> cidrs = new ArrayList<>();
        for (String raw : allowed) {
            String entry = raw == null ? "" : raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            Cidr cidr = Cidr.parse(entry);
            if (cidr != null) {
                cidrs.add(cidr);
                continue;
            }
            String name = normalise(entry);
            if (!HOST_NAME.matcher(name).matches() || endsInNumber(name)) {
                throw new IllegalArgumentException("stepwise.notifications.allowed-hosts: '" + entry
                        + "' is neither a host name nor a CIDR (such as 10.0.0.0/8 or fd00::/8)");
            }
            hosts.add(name);
        }
        Set<InetAddress> mine = new HashSet<>();
        own.forEach(a -> mine.add(unwrap(a)));
        return new AddressPolicy(Set.copyOf(hosts), List.copyOf(cidrs), Set.copyOf(mine));
    }

    /** Only public https receivers. */
    public static AddressPolicy strict() {
        return of(List.of(), List.of());
    }

    /** A notification refused before or instead of a connection; {@link #result()} is what status shows. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super("refused: " + reason, null, false, false);
        }

        public String result() {
            return getMessage();
        }
    }

    /**
     * Where a URL points: its host as written (lower case, without a trailing dot or brackets), the
     * port, what to ask for, and the address when the host is one. Its toString is only the origin,
     * because a path often carries a token.
     *
     * @param literal the address when the host is an IP literal (then no lookup is made), else null
     */
    public record Target(boolean https, String host, int port, String requestUri, InetAddress literal) {
        /** scheme://host:port, what may be logged. */
        public String origin() {
            return (https ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        @Override
        public String toString() {
            return origin();
        }
    }

    /** Reads a URL, without any lookup: refuses what is no http(s) URL, and http to hosts the allow-list cannot allow. */
    public Target target(String url) throws Refused {
        if (url == null || url.isBlank() || url.length() > MAX_URL_LENGTH) {
            throw new Refused("bad URL");
        }
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new Refused("bad URL");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new Refused("not an https URL");
        }
        String authority = u.getRawAuthority();
        if (u.isOpaque() || authority == null) {
            throw new Refused("bad URL");
        }
        boolean https = scheme.equals("https");
        // user info is no part of where the request goes: the host is what follows the last @
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new Refused("bad URL");
            }
            host = hostPort.substring(1, close);
            port = hostPort.substring(close + 1);
            if (host.contains("%") || !host.contains(":")) {
                throw new Refused("bad URL"); // zone ids name an interface: link-local, and no URL's business
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? "" : hostPort.substring(colon);
        }
        int portNumber = port(port, https);
        host = normalise(host);
        InetAddress literal = literal(host);
        if (literal == null && (!HOST_NAME.matcher(host).matches() || endsInNumber(host))) {
            throw new Refused("bad URL");
        }
        if (literal != null) {
            host = literal.getHostAddress();
        }
        if (!https && !hosts.contains(host) && (literal == null ? cidrs.isEmpty() : !inAllowedCidr(literal))) {
            throw new Refused("http not allowed");
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return new Target(https, host, portNumber, u.getRawQuery() == null ? path : path + "?" + u.getRawQuery(), literal);
    }

    /**
     * The address to connect to: the first of {@code resolved} (the target's addresses) that may be
     * reached. A host the allow-list names by name may be reached at any of its addresses.
     *
     * @throws Refused when none may be, with the reason of the first
     */
    public InetAddress choose(Target target, List<InetAddress> resolved) throws Refused {
        if (resolved.isEmpty()) {
            throw new Refused("unknown host");
        }
        if (hosts.contains(target.host())) {
            return resolved.get(0);
        }
        String first = null;
        for (InetAddress a : resolved) {
            String reason = inAllowedCidr(a) ? null : target.https() ? refusal(a) : "http not allowed";
            if (reason == null) {
                return a;
            }
            first = first == null ? reason : first;
        }
        throw new Refused(first);
    }

    /** Why an address may not be reached unless allow-listed (e.g. "private address"), or null for a public one. */
    String refusal(InetAddress address) {
        InetAddress a = unwrap(address);
        String reason = a instanceof Inet4Address ? refusal4(a.getAddress()) : refusal6(a.getAddress());
        if (reason == null && own.contains(a)) {
            return "operator's own address";
        }
        return reason;
    }

    private boolean inAllowedCidr(InetAddress a) {
        InetAddress plain = unwrap(a);
        for (Cidr c : cidrs) {
            if (c.contains(a) || c.contains(plain)) {
                return true;
            }
        }
        return false;
    }

    private static String refusal4(byte[] b) {
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        int b2 = b[2] & 0xff;
        if (b0 == 0) {
            return b1 == 0 && b2 == 0 && b[3] == 0 ? "unspecified address" : "reserved address";
        }
        if (b0 == 127) {
            return "loopback address";
        }
        if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168) || (b0 == 100 && (b1 & 0xc0) == 64)) {
            return "private address";
        }
        if (b0 == 169 && b1 == 254) {
            return "link-local address";
        }
        if (b0 >= 224 && b0 <= 239) {
            return "multicast address";
        }
        // 240/4 with the broadcast address; IETF protocol assignments 192.0.0/24; documentation
        // 192.0.2/24, 198.51.100/24, 203.0.113/24; benchmarking 198.18/15
        if (b0 >= 240 || (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)) || (b0 == 198 && (b1 & 0xfe) == 18)
                || (b0 == 198 && b1 == 51 && b2 == 100) || (b0 == 203 && b1 == 0 && b2 == 113)) {
            return "reserved address";
        }
        return null;
    }

    private static String refusal6(byte[] b) {
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (b0 == 0xff) {
            return "multicast address";
        }
        if ((b0 & 0xfe) == 0xfc) {
            return "private address";
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return "link-local address";
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return "private address"; // site-local fec0::/10, deprecated but still routed by some
        }
        if (b0 == 0x20 && b1 == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
            return "reserved address"; // documentation 2001:db8::/32
        }
        if (b0 == 0x01 && b1 == 0 && allZero(b, 2, 8)) {
            return "reserved address"; // discard 100::/64
        }
        if (b0 == 0 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0 && b[5] == 1) {
            return "private address"; // local-use NAT64 64:ff9b:1::/48
        }
        if (allZero(b, 0, 16)) {
            return "unspecified address";
        }
        if (allZero(b, 0, 15) && b[15] == 1) {
            return "loopback address";
        }
        return allZero(b, 0, 1) ? "reserved address" : null; // the rest of ::/8 (IPv4-compatible forms are unwrapped before)
    }

    /**
     * The IPv4 address an IPv6 address carries and is routed to (IPv4-mapped ::ffff:a.b.c.d,
     * IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d, 6to4 2002:aabb:ccdd::), else the address.
     */
    static InetAddress unwrap(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean mapped = allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = allZero(b, 0, 12) && !allZero(b, 12, 15); // not :: or ::1
        boolean nat64 = b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12);
        if (mapped || compatible || nat64) {
            return v4(b[12], b[13], b[14], b[15]);
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return v4(b[2], b[3], b[4], b[5]);
        }
        return address;
    }

    private static InetAddress v4(byte a, byte b, byte c, byte d) {
        try {
            return InetAddress.getByAddress(new byte[] {a, b, c, d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int port(String port, boolean https) throws Refused {
        if (port.isEmpty() || port.equals(":")) {
            return https ? 443 : 80;
        }
        String digits = port.substring(1);
        if (!port.startsWith(":") || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
            throw new Refused("bad URL");
        }
        int p = Integer.parseInt(digits);
        if (p < 1 || p > 65535) {
            throw new Refused("bad URL");
        }
        return p;
    }

    /** Lower case, without one trailing dot: {@code LocalHost.} and {@code localhost} are one host. */
    static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean endsInNumber(String host) {
        return NUMERIC_LABEL.matcher(host.substring(host.lastIndexOf('.') + 1)).matches();
    }

    /**
     * The address a host is when it is an IP literal: IPv6 (given without brackets), or IPv4 in any
     * form inet_aton reads (1 to 4 parts, each decimal, 0-prefixed octal or 0x hex; the last part fills
     * the remaining bytes), so {@code 2130706433}, {@code 0x7f.1} and {@code 0177.0.0.1} are 127.0.0.1.
     * Null for a host name.
     */
    static InetAddress literal(String host) {
        if (host.contains(":")) {
            try {
                // brackets make the JDK read it as an IPv6 literal or fail, never ask DNS
                return InetAddress.getByName("[" + host + "]");
            } catch (UnknownHostException e) {
                return null;
            }
        }
        if (!endsInNumber(host)) {
            return null;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = number(parts[i]);
            if (values[i] < 0) {
                return null;
            }
        }
        long value = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 255) {
                return null;
            }
            value = value << 8 | values[i];
        }
        int restBytes = 4 - (parts.length - 1);
        long last = values[parts.length - 1];
        if (last >= 1L << (8 * restBytes)) {
            return null;
        }
        value = value << (8 * restBytes) | last;
        return v4((byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value);
    }

    /** One inet_aton part, or -1. */
    private static long number(String part) {
        try {
            if (part.startsWith("0x")) {
                return part.length() == 2 ? 0 : part.length() > 10 ? -1 : Long.parseLong(part.substring(2), 16);
            }
            if (part.isEmpty() || part.length() > 12) {
                return -1;
            }
            return part.length() > 1 && part.startsWith("0") ? Long.parseLong(part.substring(1), 8) : Long.parseLong(part);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** An address block of the allow-list. */
    record Cidr(byte[] network, int prefix) {
        /** The block an entry names (a bare IP is one address), or null when the entry is no IP. */
        static Cidr parse(String entry) {
            int slash = entry.indexOf('/');
            String ip = slash < 0 ? entry : entry.substring(0, slash);
            if (ip.startsWith("[") && ip.endsWith("]")) {
                ip = ip.substring(1, ip.length() - 1);
            }
            boolean v6 = ip.contains(":");
            if (!v6 && !ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
                if (slash >= 0) {
                    throw new IllegalArgumentException("stepwise.notifications.allowed-hosts: '" + entry + "' is not a CIDR");
                }
                return null; // a host name
            }
            // dotted decimal only: in an allow-list 010.0.0.1 is a typo, not octal
            InetAddress a = v6 ? literal(ip.toLowerCase(Locale.ROOT)) : dottedQuad(ip);
            int max = a instanceof Inet6Address ? 128 : 32;
            int prefix;
            try {
                prefix = slash < 0 ? max : Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (a == null || prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("stepwise.notifications.allowed-hosts: '" + entry + "' is not a CIDR");
            }
            return new Cidr(a.getAddress(), prefix);
        }

        private static InetAddress dottedQuad(String ip) {
            String[] parts = ip.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return v4(b[0], b[1], b[2], b[3]);
        }

        boolean contains(InetAddress address) {
            byte[] b = address.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((b[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
