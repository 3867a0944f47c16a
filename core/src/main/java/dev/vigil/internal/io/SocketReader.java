package dev.vigil.internal.io;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.internal.wire.InboundBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.LockSupport;

/**
 * The reader virtual thread's whole life (as Helidon's {@code ConnectionHandler}: everything here runs on it): start
 * the core, then read into its buffer and hand over what arrived until the core or the socket says stop, then let
 * the core finish. It owns the socket's input and every listener call the core makes from it.
 */
final class SocketReader {
    private static final Logger log = LoggerFactory.getLogger(SocketReader.class);

    private SocketReader() {
    }

    static void run(SocketConnection<?> core) {
        try {
            InputStream in = core.openStreams();
            core.start();
            InboundBuffer buffer = core.inbound();
            boolean more = true;
            while (more) {
                core.readStarting();
                int space = buffer.writable();
                int n;
                try {
                    n = in.read(buffer.array(), buffer.writeIndex(), space);
                } catch (IOException e) {
                    core.readDone(0, space);
                    throw e;
                }
                more = core.readDone(n, space);
                for (long pause; more && (pause = core.readPause()) != 0; ) {
                    if (pause < 0) {
                        more = false;
                    } else {
                        LockSupport.parkNanos(pause); // over its data rate: TCP pushes back on the peer meanwhile
                    }
                }
            }
        } catch (IOException e) {
            core.readFailed(IoFailures.reason(e, true));
        } catch (RuntimeException | Error e) {
            log.error("{}: reader failed unexpectedly", core.logName(), e);
            core.abort(new CloseReason(Kind.IO_ERROR, false, "internal error: " + e, e), false);
        } finally {
            core.finish();
        }
    }
}
