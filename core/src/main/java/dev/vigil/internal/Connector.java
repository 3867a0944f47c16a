package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionListener;
import dev.vigil.internal.io.SocketConnection;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The client side of a manager: connect, then wait for the handshake, all within the connect timeout. */
final class Connector<M> {
    /** Sets up a connected socket as a connection. */
    @FunctionalInterface
    interface Starter<M> {
        SocketConnection<M> start(Socket socket, ConnectionListener<M> listener, @Nullable Object attachment)
                throws IOException;
    }

    private final Settings<M> settings;
    private final Ticker ticker;
    private final Starter<M> starter;

    Connector(Settings<M> settings, Ticker ticker, Starter<M> starter) {
        this.settings = settings;
        this.ticker = ticker;
        this.starter = starter;
    }

    Connection<M> connect(InetSocketAddress address, ConnectionListener<M> listener, @Nullable Object attachment)
            throws IOException {
        long deadline = ticker.nanoTime() + settings.connectTimeout().toNanos();
        Socket socket = new Socket();
        SocketConnection<M> connection;
        try {
            socket.connect(address, (int) Math.max(1, settings.connectTimeout().toMillis()));
            connection = starter.start(socket, listener, attachment);
        } catch (IOException | RuntimeException e) {
            DefaultConnectionManager.closeQuietly(socket);
            throw e;
        }
        try {
            long wait = deadline - ticker.nanoTime();
            return connection.opened().get(Math.max(wait, 1), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            CloseReason reason = CloseReason.local(CloseReason.Kind.HANDSHAKE_TIMEOUT,
                    "handshake with " + address + " did not complete within " + settings.connectTimeout());
            connection.abort(reason, false);
            throw new ConnectionClosedException(reason);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            connection.abort(CloseReason.local(CloseReason.Kind.CLOSED_LOCALLY, "connect interrupted"), false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting to " + address);
        }
    }
}
