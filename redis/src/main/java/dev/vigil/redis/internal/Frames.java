package dev.vigil.redis.internal;

import org.jetbrains.annotations.Nullable;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What travels in Redis pub/sub messages. Lengths are ASCII decimals, so a message can be read with
 * {@code redis-cli SUBSCRIBE}.
 * <pre>
 *   message on a topic:      &lt;node length&gt;:&lt;node&gt;&lt;payload&gt;
 *   presence change:         &lt;version&gt; &lt;op&gt;&lt;node length&gt;:&lt;node&gt;
 *                              then for 'p' and 'd': &lt;key length&gt;:&lt;key&gt;&lt;value&gt;
 *                            op 'p' put (key and value), 'd' removed (key), 's' resynchronise me, 'g' gone
 * </pre>
 * The version of a presence change is the node's entry version after the change, written by the Lua script that
 * made it; {@code 0} for 'g'.
 */
public final class Frames {
    private Frames() {
    }

    /** A message published to a topic. */
    public record Message(String node, byte[] payload) {
    }

    /** A presence change of one node. */
    public record Diff(long version, char op, String node, @Nullable String key, byte @Nullable [] value) {
    }

    /** {@return a topic message: the publishing node and the payload} */
    public static byte[] message(String node, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + node.length() + 4);
        lengthPrefixed(out, node);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** {@return the tail of a presence change, which the script prefixes with the version} */
    public static byte[] diffTail(char op, String node, @Nullable String key, byte @Nullable [] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(op);
        lengthPrefixed(out, node);
        if (key != null) {
            lengthPrefixed(out, key);
            if (value != null) {
                out.writeBytes(value);
            }
        }
        return out.toByteArray();
    }

    /** {@return the message, or {@code null} if it is not in the format} */
    public static @Nullable Message parseMessage(byte[] bytes) {
        Reader r = new Reader(bytes);
        String node = r.lengthPrefixed();
        return node == null ? null : new Message(node, Arrays.copyOfRange(bytes, r.pos, bytes.length));
    }

    /** {@return the presence change, or {@code null} if it is not in the format} */
    public static @Nullable Diff parseDiff(byte[] bytes) {
        Reader r = new Reader(bytes);
        long version = r.number(' ');
        if (version < 0 || r.pos >= bytes.length) {
            return null;
        }
        char op = (char) bytes[r.pos++];
        String node = r.lengthPrefixed();
        if (node == null) {
            return null;
        }
        return switch (op) {
            case 'p', 'd' -> {
                String key = r.lengthPrefixed();
                yield key == null ? null : new Diff(version, op, node, key,
                        op == 'p' ? Arrays.copyOfRange(bytes, r.pos, bytes.length) : null);
            }
            case 's', 'g' -> new Diff(version, op, node, null, null);
            default -> null;
        };
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.writeBytes(bytes);
    }

    private static final class Reader {
        final byte[] bytes;
        int pos;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        /** Reads decimal digits up to {@code end}; -1 if there are none or they do not end with it. */
        long number(char end) {
            long n = 0;
            int start = pos;
            while (pos < bytes.length && bytes[pos] >= '0' && bytes[pos] <= '9' && pos - start < 18) {
                n = n * 10 + (bytes[pos++] - '0');
            }
            if (pos == start || pos >= bytes.length || bytes[pos] != end) {
                return -1;
            }
            pos++;
            return n;
        }

        @Nullable String lengthPrefixed() {
            long length = number(':');
            if (length < 0 || length > bytes.length - pos) {
                return null;
            }
            String text = new String(bytes, pos, (int) length, StandardCharsets.UTF_8);
            pos += (int) length;
            return text;
        }
    }
}
