package io.mcpstore.upstream.rest;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which addresses count as the gateway's own or a private network, so that a tool (or a service created through the
 * API) cannot be pointed at them without {@code allowPrivateNetwork: true}: unspecified, loopback, link-local,
 * private (RFC 1918), shared (RFC 6598, carrier-grade NAT), unique-local IPv6 and multicast, IPv4-mapped and
 * IPv4-compatible IPv6 addresses judged by the IPv4 address they carry.
 */
public final class PrivateNetwork {
    private PrivateNetwork() {}

    /** What kind of private address {@code a} is ("loopback", …), or null when it is public. */
    public static String kind(InetAddress a) {
        InetAddress judged = embeddedIpv4(a);
        if (judged.isAnyLocalAddress()) return "unspecified";
        if (judged.isLoopbackAddress()) return "loopback";
        if (judged.isLinkLocalAddress()) return "link-local";
        if (judged.isSiteLocalAddress()) return "private";
        if (judged.isMulticastAddress()) return "multicast";
        byte[] b = judged.getAddress();
        if (judged instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) return "unspecified"; // 0.0.0.0/8: "this network", reaches the host itself on Linux
            if (first == 100 && (second & 0xc0) == 64) return "shared (carrier-grade NAT)";
            if (first == 255) return "broadcast";
        } else {
            if ((b[0] & 0xfe) == 0xfc) return "private (unique local)";
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) return "private (site local)";
        }
        return null;
    }

    /** The IPv4 address an IPv4-mapped ({@code ::ffff:a.b.c.d}) or -compatible ({@code ::a.b.c.d}) one carries. */
    private static InetAddress embeddedIpv4(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a;
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) return a;
        }
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible =
                b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
        if (!mapped && !compatible) return a; // :: and ::1 stay as they are
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException impossible) {
            return a;
        }
    }
}
