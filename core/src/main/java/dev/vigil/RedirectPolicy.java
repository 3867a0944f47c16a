package dev.vigil;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a {@link ReconnectingClient} follows the endpoint that a draining server suggests
 * ({@link CloseReason#suggestedEndpoint()}). The suggestion comes from the peer, so it is a hint, never an
 * instruction: a server (or whoever can forge its CLOSE on a plain-TCP connection) can only name an address, and
 * this policy, on the client, decides whether to connect there. Following an address outside the client's own list
 * would let that server send the client, its credentials in {@link ReconnectListener#onConnected} and its traffic,
 * anywhere; TLS limits that to hosts whose certificate the client trusts, plain TCP does not limit it at all.
 *
 * <p>The default, {@link #knownEndpoints()}, follows a suggestion only to one of the client's own endpoints: a
 * server can choose among the nodes the client already trusts, never add one. {@link #never()} ignores
 * suggestions; {@link #hosts} allows further hosts by name.
 */
@FunctionalInterface
public interface RedirectPolicy {

    /**
     * {@return whether to try {@code suggested} first on the next attempt}
     *
     * @param suggested the endpoint the peer suggested; an IP literal resolved, a host name unresolved
     * @param endpoints the client's own endpoints, in order
     */
    boolean follows(InetSocketAddress suggested, List<InetSocketAddress> endpoints);

    /** {@return a policy that ignores every suggestion: the client keeps to its own endpoints} */
    static RedirectPolicy never() {
        return (suggested, endpoints) -> false;
    }

    /**
     * {@return the default policy: follow a suggestion only if it names one of the client's own endpoints (the same
     * port, and the same host name or the same IP address)}
     */
    static RedirectPolicy knownEndpoints() {
        return (suggested, endpoints) -> endpoints.stream().anyMatch(e -> sameEndpoint(e, suggested));
    }

    /**
     * {@return a policy that follows a suggestion to one of the client's own endpoints, or to any port on one of
     * these hosts} Hosts are compared as written, ignoring case (a name with a name, a literal with a literal):
     * nothing is looked up.
     *
     * @param hosts the host names or IP literals to allow
     */
    static RedirectPolicy hosts(String... hosts) {
        Set<String> allowed = java.util.Arrays.stream(hosts).map(h -> Objects.requireNonNull(h, "hosts")
                .toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        RedirectPolicy known = knownEndpoints();
        return (suggested, endpoints) -> known.follows(suggested, endpoints)
                || allowed.contains(suggested.getHostString().toLowerCase(Locale.ROOT));
    }

    /**
     * {@return whether two endpoints name the same place: the same port, and the same host as written or the same
     * resolved address}
     *
     * @param a one endpoint
     * @param b the other
     */
    static boolean sameEndpoint(InetSocketAddress a, InetSocketAddress b) {
        return a.getPort() == b.getPort() && (a.getHostString().equalsIgnoreCase(b.getHostString())
                || a.getAddress() != null && a.getAddress().equals(b.getAddress()));
    }
}
