package dev.vigil.attack;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw TCP peer on loopback that a test scripts byte by byte; the attacks are built on it. Its background work
 * (dripping, flooding, discarding what the server sends) runs on named virtual threads, and {@link #ended()}
 * completes when the server has ended the connection, as this side can tell: a CLOSE frame or a line read, an end
 * of stream, a reset, or a write that fails.
 */
class AttackPeer implements AutoCloseable {

    /**
     * How the connection ended, as this peer saw it.
     *
     * @param how       {@code "CLOSE 9 ..."} for a CLOSE frame (code and text), {@code "line ..."} for a last line,
     *                  {@code "EOF"}, or the exception of a failed read or write
     * @param afterNanos how long after the peer started
     */
    record Ending(String how, long afterNanos) {
        Duration after() {
            return Duration.ofNanos(afterNanos);
        }
    }

    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    final long started = System.nanoTime();
    final AtomicLong bytesSent = new AtomicLong();
    private final CompletableFuture<Ending> ended = new CompletableFuture<>();
    private final String name;
    /** A reader runs: what it reads (the CLOSE before the FIN) says how the connection ended, not a failed write. */
    private volatile boolean reading;

    /**
     * Connects.
     *
     * @param address       the server, on loopback
     * @param receiveBuffer SO_RCVBUF to ask for before connecting (small: the peer's window fills at once), or 0
     */
    AttackPeer(InetSocketAddress address, String name, int receiveBuffer) throws IOException {
        this.name = name;
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a HELLO with no options and reads the server's. */
    AttackPeer handshake() throws IOException {
        return handshake(AttackWire.hello());
    }

    /** Sends this HELLO and reads the server's, failing after 10 s rather than hanging on a server that died. */
    AttackPeer handshake(byte[] hello) throws IOException {
        send(hello);
        socket.setSoTimeout(10_000);
        byte[] fixed = new byte[8];
        in.readFully(fixed);
        if (fixed[0] != 'V' || fixed[1] != 'I' || fixed[2] != 'G' || fixed[3] != 'L') {
            throw new IOException("not a HELLO: " + new String(fixed, StandardCharsets.ISO_8859_1));
        }
        in.readFully(new byte[(fixed[6] & 0xff) << 8 | (fixed[7] & 0xff)]);
        socket.setSoTimeout(0); // the background readers wait as long as the connection lives
        return this;
    }

    /** Writes and counts; a failure ends the connection as far as this peer can tell. */
    void send(byte[] bytes) throws IOException {
        try {
            out.write(bytes);
            out.flush();
            bytesSent.addAndGet(bytes.length);
        } catch (IOException e) {
            if (!reading) {
                end(e.toString());
            }
            throw e;
        }
    }

    /** {@return how long since the peer started} */
    Duration after() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** {@return completes when the server has ended the connection} */
    CompletableFuture<Ending> ended() {
        return ended;
    }

    void end(String how) {
        ended.complete(new Ending(how, System.nanoTime() - started));
    }

    /**
     * Runs {@code body} on a named virtual thread; an I/O failure there ends the connection, unless a reader runs: a
     * write that fails once the server has closed says less than what the reader finds before the end of stream.
     */
    void background(String job, IoRunnable body) {
        start(job, body, false);
    }

    private void readInBackground(IoRunnable body) {
        reading = true;
        start("discard", body, true);
    }

    private void start(String job, IoRunnable body, boolean reader) {
        Thread.ofVirtual().name("attack-" + name + "-" + job).start(() -> {
            try {
                body.run();
            } catch (IOException e) {
                if (reader || !reading) {
                    end(e.toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Reads binary frames in the background and drops them, as a fast but deaf-to-content peer; sees the CLOSE. */
    void discardFrames() {
        readInBackground(() -> {
            try {
                while (true) {
                    int len = in.readInt();
                    byte type = in.readByte();
                    byte[] payload = new byte[len];
                    in.readFully(payload);
                    if (type == AttackWire.CLOSE && len >= 2) {
                        int code = (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
                        end("CLOSE " + code + " " + new String(payload, 2, len - 2, StandardCharsets.UTF_8));
                        return;
                    }
                }
            } catch (EOFException e) {
                end("EOF");
            }
        });
    }

    /** Reads lines in the background and drops them, remembering the last; ends at the end of stream. */
    void discardLines() {
        readInBackground(() -> {
            StringBuilder line = new StringBuilder();
            String last = null;
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    last = line.toString();
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            end(last == null ? "EOF" : "line " + last);
        });
    }

    /**
     * Whether the server has closed its side, judged by reading (and skipping) until end of stream or a reset, for
     * at most {@code timeout}; for a peer that had stopped reading.
     */
    boolean sawEndOfStream(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            while (in.read() >= 0) {
                // skip whatever was still on its way
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        end("closed by the test");
    }

    @FunctionalInterface
    interface IoRunnable {
        void run() throws IOException, InterruptedException;
    }
}
