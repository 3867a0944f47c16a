package dev.vigil.internal.wire;

import org.jetbrains.annotations.Nullable;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The endpoint a draining sender suggests in the reason of its {@code SHUTDOWN} CLOSE: the reason, a line feed, then
 * {@code reconnect=<host>:<port>} (an IPv6 literal in brackets). Text, so that a peer that does not know it shows it
 * as part of the reason; see docs/protocol.md.
 */
public final class Redirect {
    /** What starts the suggestion's line. */
    public static final String PREFIX = "\nreconnect=";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private Redirect() {
    }

    /** {@return {@code reason} with the suggestion of {@code endpoint} appended} Names stay names: no lookup. */
    public static String append(String reason, InetSocketAddress endpoint) {
        String host = endpoint.getHostString();
        return reason + PREFIX + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + endpoint.getPort();
    }

    /**
     * {@return the endpoint suggested at the end of a CLOSE reason, or {@code null} if there is none or it is not a
     * valid {@code host:port}} An IP literal comes back resolved, a name unresolved: nothing is looked up here.
     */
    public static @Nullable InetSocketAddress parse(String reason) {
        int at = reason.lastIndexOf(PREFIX);
        if (at < 0) {
            return null;
        }
        String value = reason.substring(at + PREFIX.length());
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            return null;
        }
        String host = value.substring(0, colon);
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return null; // an IPv6 literal must be in brackets
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (port < 1 || port > 65535 || host.isEmpty() || !host.chars().allMatch(Redirect::hostChar)) {
            return null;
        }
        if (!bracketed && !IPV4.matcher(host).matches()) {
            return InetSocketAddress.createUnresolved(host, port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port); // a literal: parsed, not looked up
        } catch (UnknownHostException notALiteral) {
            return null;
        }
    }

    /** Letters, digits and the punctuation of host names and IP literals; nothing that could smuggle a line. */
    private static boolean hostChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                || c == ':' || c == '%' || c == '_';
    }
}
