package dev.vigil.attack;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated frame streams through real connections to a live server, each checked against what
 * {@code docs/protocol.md} says must happen: every DATA frame before the stream's end is echoed in order, every PING
 * answered with a PONG carrying its nonce, PONGs are taken silently, and the stream's last frame decides the ending
 * (an unknown type or a PING/PONG of the wrong length: {@code PROTOCOL_ERROR}; a length over the maximum:
 * {@code FRAME_TOO_LARGE}; a CLOSE: the server answers with its own). Frames go out in random chunks, so the decoder
 * sees them split anywhere. Nothing else may happen: no listener error, no other close reason, and a well-behaved
 * client is served afterwards.
 *
 * <p>The default run sends 5,193 generated frames (30 connections); the {@code long} profile 1,013,646 (2,000
 * connections). Every fatal ending must bring every echo owed before it, then the CLOSE frame (issue #10's rule,
 * which this fuzzer found broken before issue #11's fix: the counts are printed and asserted zero).
 */
class WireFuzzTest {
    private static final int MAX_FRAME = 4096;
    private static final long SEED = 11_011L;
    /** Fatal endings whose CLOSE came before every echo (see {@link #trial}); must stay zero. */
    private static final AtomicLong CUT_SHORT = new AtomicLong();
    private static final AtomicLong CLEAN = new AtomicLong();
    /** Fatal endings where the server's FIN came with no CLOSE frame before it; must stay zero. */
    private static final AtomicLong NO_CLOSE_FRAME = new AtomicLong();

    @Test
    @Timeout(120)
    void shortRun() throws Exception {
        fuzz(SEED, 30, 200);
    }

    @Test
    @Tag("long")
    @Timeout(1_800)
    void longRun() throws Exception {
        fuzz(SEED + 1, 2_000, 500);
    }

    /** What a stream must produce. */
    private record Expected(List<String> echoes, List<Long> pongs, Kind serverKind, int peerCode) {
    }

    private static void fuzz(long seed, int connections, int framesEach) throws Exception {
        ConcurrentHashMap<Integer, CompletableFuture<CloseReason>> closes = new ConcurrentHashMap<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicLong frames = new AtomicLong();
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(HeartbeatPolicy.none())
                .minPeerPingInterval(Duration.ZERO) // PING strikes depend on timing; FuzzTest covers them
                .maxFrameSize(MAX_FRAME)
                .shutdownGrace(Duration.ZERO)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String message) {
                        c.send(message);
                    }

                    @Override
                    public void onError(Connection<String> c, Throwable error) {
                        errors.add(error);
                    }

                    @Override
                    public void onClose(Connection<String> c, CloseReason reason) {
                        closes.computeIfAbsent(c.remoteAddress().getPort(), p -> new CompletableFuture<>())
                                .complete(reason);
                    }
                }).build()) {
            InetSocketAddress address = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<Thread> workers = new ArrayList<>();
            int parallel = 4;
            for (int w = 0; w < parallel; w++) {
                int first = w;
                workers.add(Thread.ofVirtual().name("fuzz-" + w).unstarted(() -> {
                    for (int i = first; i < connections; i += parallel) {
                        String where = "seed " + seed + " connection " + i;
                        try {
                            frames.addAndGet(trial(address, new SplittableRandom(seed * 1_000_003L + i), framesEach,
                                    closes, where));
                        } catch (Throwable t) {
                            errors.add(new AssertionError(where + ": " + t, t));
                            return;
                        }
                    }
                }));
            }
            workers.forEach(Thread::start);
            for (Thread t : workers) {
                t.join();
            }
            assertEquals(List.of(), errors);
            assertTrue(frames.get() >= (long) connections * framesEach / 2, frames + " frames sent");
            long clean = CLEAN.getAndSet(0);
            System.out.printf("WireFuzzTest seed %d: %d connections (%d clean, %d fatal endings), %d frames; %d fatal "
                    + "endings cut echoes short, %d had no CLOSE frame%n", seed, connections, clean,
                    connections - clean, frames.get(), CUT_SHORT.get(), NO_CLOSE_FRAME.get());
            assertEquals(0, CUT_SHORT.getAndSet(0), "fatal endings that dropped echoes owed before the CLOSE");
            assertEquals(0, NO_CLOSE_FRAME.getAndSet(0), "fatal endings whose FIN came with no CLOSE frame");
            try (HonestClient honest = new HonestClient(address, MessageCodec.utf8())) {
                honest.worstRoundTrip(3, Duration.ZERO);
            }
        }
    }

    /** One connection: a generated stream out, everything the server says back checked; {@return frames sent} */
    private static int trial(InetSocketAddress address, SplittableRandom r, int framesEach,
                             ConcurrentHashMap<Integer, CompletableFuture<CloseReason>> closes, String where)
            throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<String> echoes = new ArrayList<>();
        List<Long> pongs = new ArrayList<>();
        int n = 1 + r.nextInt(framesEach * 2);
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(100);
            if (kind < 70) {
                String text = ascii(r, r.nextInt(50) == 0 ? r.nextInt(MAX_FRAME + 1) : r.nextInt(300));
                stream.writeBytes(AttackWire.data(text));
                echoes.add(text);
            } else if (kind < 80) {
                long nonce = r.nextLong();
                stream.writeBytes(AttackWire.frame(AttackWire.PING, ByteBuffer.allocate(8).putLong(nonce).array()));
                pongs.add(nonce);
            } else {
                stream.writeBytes(AttackWire.pong(r.nextLong()));
            }
        }
        Expected expected;
        switch (r.nextInt(5)) {
            case 0 -> {
                stream.writeBytes(AttackWire.frame((byte) (4 + r.nextInt(252)), new byte[r.nextInt(50)]));
                expected = new Expected(echoes, pongs, Kind.PROTOCOL_ERROR, Kind.PROTOCOL_ERROR.code());
            }
            case 1 -> {
                int len = r.nextBoolean() ? r.nextInt(8) : 9 + r.nextInt(40);
                stream.writeBytes(AttackWire.frame(r.nextBoolean() ? AttackWire.PING : AttackWire.PONG,
                        new byte[len]));
                expected = new Expected(echoes, pongs, Kind.PROTOCOL_ERROR, Kind.PROTOCOL_ERROR.code());
            }
            case 2 -> {
                int len = MAX_FRAME + 1 + r.nextInt(Integer.MAX_VALUE - MAX_FRAME - 1);
                stream.writeBytes(AttackWire.header(r.nextInt(10) == 0 ? -1 - r.nextInt(1000) : len, AttackWire.DATA));
                expected = new Expected(echoes, pongs, Kind.FRAME_TOO_LARGE, Kind.FRAME_TOO_LARGE.code());
            }
            default -> {
                byte[] text = "bye".getBytes(StandardCharsets.UTF_8);
                stream.writeBytes(AttackWire.frame(AttackWire.CLOSE, ByteBuffer.allocate(2 + text.length)
                        .putShort((short) Kind.CLOSED_LOCALLY.code()).put(text).array()));
                expected = new Expected(echoes, pongs, Kind.CLOSED_BY_PEER, Kind.CLOSED_BY_PEER.code());
            }
        }
        int port;
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(address, 5000);
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(AttackWire.hello());
            byte[] fixed = new byte[8];
            in.readFully(fixed);
            in.readFully(new byte[(fixed[6] & 0xff) << 8 | (fixed[7] & 0xff)]);
            byte[] bytes = stream.toByteArray();
            long chunkSeed = r.nextLong();
            Thread writer = Thread.ofVirtual().name("fuzz-writer").start(() -> writeInChunks(out, bytes, chunkSeed));
            List<String> gotEchoes = new ArrayList<>();
            List<Long> gotPongs = new ArrayList<>();
            int closeCode = -1;
            try {
                while (true) {
                    int len = in.readInt();
                    byte type = in.readByte();
                    byte[] payload = new byte[len];
                    in.readFully(payload);
                    if (type == AttackWire.DATA) {
                        gotEchoes.add(new String(payload, StandardCharsets.UTF_8));
                    } else if (type == AttackWire.PONG) {
                        gotPongs.add(ByteBuffer.wrap(payload).getLong());
                    } else if (type == AttackWire.CLOSE) {
                        closeCode = (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
                        break;
                    }
                }
            } catch (EOFException e) {
                // the server ended without a CLOSE: checked below
            }
            writer.join();
            if (expected.serverKind() == Kind.CLOSED_BY_PEER) {
                CLEAN.incrementAndGet();
                assertEquals(expected.echoes(), gotEchoes, where + ": echoes before a clean close");
                assertEquals(expected.pongs(), gotPongs, where + ": PONGs");
            } else {
                // The echoes that arrive must be the first ones, in order, and nothing else; a fatal ending that
                // brings fewer than all is counted (CUT_SHORT), and the count must be zero.
                assertEquals(expected.echoes().subList(0, gotEchoes.size()), gotEchoes, where + ": echoes");
                assertEquals(expected.pongs().subList(0, Math.min(gotPongs.size(), expected.pongs().size())),
                        gotPongs, where + ": PONGs");
                if (gotEchoes.size() < expected.echoes().size()) {
                    CUT_SHORT.incrementAndGet();
                }
            }
            if (closeCode == -1 && expected.serverKind() != Kind.CLOSED_BY_PEER) {
                NO_CLOSE_FRAME.incrementAndGet();
            } else {
                assertEquals(expected.peerCode(), closeCode, where + ": the server's CLOSE code");
            }
            port = s.getLocalPort();
        } // closed before waiting for the server's verdict, so the server need not wait out its close timeout
        CloseReason reason = closes.computeIfAbsent(port, p -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS);
        closes.remove(port); // a later connection may get the same local port
        assertEquals(expected.serverKind(), reason.kind(), where + ": " + reason);
        return n + 1;
    }

    private static void writeInChunks(OutputStream out, byte[] bytes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        try {
            for (int p = 0; p < bytes.length; ) {
                int n = Math.min(bytes.length - p, r.nextInt(4) == 0 ? 1 + r.nextInt(8) : 1 + r.nextInt(8192));
                out.write(bytes, p, n);
                out.flush();
                p += n;
            }
        } catch (IOException e) {
            // the server closed after a fatal frame while the rest was on its way: the reader checks the outcome
        }
    }

    private static String ascii(SplittableRandom r, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = (char) (0x20 + r.nextInt(0x5f));
        }
        return new String(c);
    }
}
