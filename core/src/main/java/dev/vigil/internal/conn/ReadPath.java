package dev.vigil.internal.conn;

import dev.vigil.internal.wire.Fatal;

/**
 * What the reader does with one read, after the bytes are in the buffer: decode them (replies held so those of one
 * read leave in one write), let the guards judge what is left of a frame in progress, count a read that completed a
 * frame as the peer's life, and end the connection on a fatal frame. Also the throttled reader's pause: it decodes
 * what a pause left in the buffer before it reads again. Reader thread only.
 */
final class ReadPath {
    private ReadPath() { // stateless: an object per connection would only repeat the core's references
    }

    /** Decodes what the core's buffer holds at {@code now}; false if a fatal frame ended the connection. */
    static boolean decode(ConnectionCore<?> core, long now) {
        Inbound<?> inbound = core.inbound;
        Outbound<?> outbound = core.outbound;
        long framesBefore = inbound.framesIn();
        outbound.holdReplies();
        try {
            inbound.decode();
            core.guards.afterRead(now, inbound.buffer.readable(), inbound.framesIn() - framesBefore);
        } catch (Fatal f) {
            outbound.releaseReplies();
            // Replies owed to every frame before the fatal one, this read's and those still queued from earlier
            // reads, go out ahead of the CLOSE.
            core.closing.fatal(f.reason);
            return false;
        } catch (RuntimeException | Error e) {
            outbound.releaseReplies();
            throw e;
        }
        outbound.releaseReplies();
        if (inbound.framesIn() != framesBefore) {
            core.timing.life(now);
        }
        inbound.report(framesBefore);
        return true;
    }

    /** {@return how long to wait before reading again, 0 to read now, -1 to stop (see the core's readPause)} */
    static long pause(ConnectionCore<?> core, Clock clock) {
        while (true) {
            long left = core.guards.pauseLeft(clock.nanoTime());
            if (left >= 0) {
                return core.closeReason() == null ? left : 0;
            }
            if (!decode(core, clock.nanoTime())) { // the pause is over: first what it left in the buffer
                return -1;
            }
        }
    }
}
