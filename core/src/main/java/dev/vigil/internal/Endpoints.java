package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.RedirectPolicy;
import org.jetbrains.annotations.Nullable;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Which endpoint a {@link DefaultReconnectingClient} tries next: its own endpoints in turn, a failure moving on to
 * the next, an ended connection replaced by one to the same endpoint; except after a peer's {@code SHUTDOWN}, when
 * the endpoint it suggested comes first if the {@link RedirectPolicy} allows it, and otherwise the next endpoint of
 * the list (the one that closed is going away). Decisions only, no I/O: used by the client's loop thread only.
 */
final class Endpoints {
    private final List<InetSocketAddress> list;
    private final RedirectPolicy redirects;
    private int cursor;
    /** A followed suggestion outside the list; tried until an attempt to it fails. */
    private @Nullable InetSocketAddress redirect;

    Endpoints(List<InetSocketAddress> list, RedirectPolicy redirects) {
        this.list = List.copyOf(list);
        this.redirects = redirects;
    }

    /** Checks a client's endpoints: present, no null element, at least one. */
    static void check(Validation v, @Nullable List<InetSocketAddress> endpoints) {
        if (v.notNull("endpoints", endpoints)) {
            boolean noNulls = endpoints.stream().noneMatch(Objects::isNull);
            v.check(noNulls, "endpoints", endpoints, "no null element");
            v.check(!endpoints.isEmpty(), "endpoints", endpoints, "at least one");
        }
    }

    /** {@return the endpoint of the next attempt} */
    InetSocketAddress current() {
        return redirect != null ? redirect : list.get(cursor);
    }

    /** The attempt to {@link #current()} failed: a suggestion is dropped, else the list moves on. */
    void failed() {
        if (redirect != null) {
            redirect = null;
        } else {
            cursor = (cursor + 1) % list.size();
        }
    }

    /** The connection to {@link #current()} ended with {@code reason}. */
    void ended(@Nullable CloseReason reason) {
        if (reason == null || reason.kind() != CloseReason.Kind.SHUTDOWN || !reason.remote()) {
            return;
        }
        boolean wasRedirect = redirect != null;
        redirect = null;
        InetSocketAddress suggested = reason.suggestedEndpoint();
        if (suggested != null && redirects.follows(suggested, list)) {
            for (int i = 0; i < list.size(); i++) {
                if (RedirectPolicy.sameEndpoint(list.get(i), suggested)) {
                    cursor = i;
                    return;
                }
            }
            redirect = suggested;
        }
        if (!wasRedirect) {
            cursor = (cursor + 1) % list.size();
        }
    }

    @Override
    public String toString() {
        return list.toString();
    }
}
