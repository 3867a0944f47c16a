package dev.vigil.internal.presence;

import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A presence entry on the backplane: {@code "<connections> <suspect>"} in ASCII, for example {@code "2 1"}; short,
 * and readable with {@code redis-cli HGETALL}. A value that does not parse is dropped with a warning (the first, then
 * every 1000th), never thrown at the backplane's thread.
 */
final class EntryCodec {
    private static final Logger log = LoggerFactory.getLogger(EntryCodec.class);
    private static final AtomicLong BAD = new AtomicLong();

    private EntryCodec() {
    }

    static byte[] encode(PresenceTable.Entry entry) {
        return (entry.connections() + " " + entry.suspect()).getBytes(StandardCharsets.US_ASCII);
    }

    static PresenceTable.@Nullable Entry decode(String node, String key, byte[] value) {
        String text = new String(value, StandardCharsets.US_ASCII);
        int space = text.indexOf(' ');
        try {
            if (space > 0) {
                return new PresenceTable.Entry(Integer.parseInt(text, 0, space, 10),
                        Integer.parseInt(text, space + 1, text.length(), 10));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        long bad = BAD.incrementAndGet();
        if (bad == 1 || bad % 1000 == 0) {
            log.warn("ignoring presence entry {}={} of node {}: not '<connections> <suspect>' ({} ignored so far)",
                    key, text.length() > 40 ? text.substring(0, 40) + "..." : text, node, bad);
        }
        return null;
    }
}
