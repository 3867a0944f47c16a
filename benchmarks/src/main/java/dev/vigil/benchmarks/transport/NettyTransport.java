package dev.vigil.benchmarks.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 written the idiomatic efficient way: epoll where available (NIO otherwise), the pooled allocator, a
 * {@link LengthFieldBasedFrameDecoder}, {@code write} in {@code channelRead} and {@code flush} in
 * {@code channelReadComplete}. The server has a boss thread that accepts and an event-loop group of one thread per
 * core; the clients have a group of their own, also one thread per core. A heartbeat is
 * an {@link IdleStateHandler} (reader idle = the interval) that sends a PING, and closes once the silence reaches the
 * timeout; PINGs are answered with PONGs.
 */
final class NettyTransport implements EchoTransport {
    private static final boolean EPOLL = Epoll.isAvailable();
    private static final ByteBuf PING = control(Frames.PING);
    private static final ByteBuf PONG = control(Frames.PONG);

    private final int threads = Runtime.getRuntime().availableProcessors();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private EventLoopGroup bossGroup;
    private EventLoopGroup serverGroup;
    private EventLoopGroup clientGroup;
    private Bootstrap bootstrap;

    private static ByteBuf control(byte type) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(Frames.HEADER + 1)
                .writeInt(Frames.CONTROL_LENGTH).writeByte(type).asReadOnly());
    }

    private static EventLoopGroup group(String name, int threads) {
        IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
    }

    @Override
    public InetSocketAddress startServer(Heartbeat heartbeat, ServerEvents events) throws IOException {
        bossGroup = group("bench-netty-boss", 1);
        serverGroup = group("bench-netty-server", threads);
        Class<? extends ServerChannel> channelClass = EPOLL ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        EchoServerHandler echo = new EchoServerHandler();
        ChannelFuture bound = new ServerBootstrap()
                .group(bossGroup, serverGroup)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        InetSocketAddress remote = ch.remoteAddress();
                        events.onOpen(remote);
                        ch.closeFuture().addListener(f -> channels.remove(ch));
                        HeartbeatHandler hb = pipeline(ch.pipeline(), heartbeat);
                        ch.closeFuture().addListener(f -> events.onClose(remote, hb != null && hb.timedOut));
                        ch.pipeline().addLast(echo);
                    }
                })
                .bind(new InetSocketAddress(LOOPBACK, 0));
        await(bound);
        channels.add(bound.channel());
        return (InetSocketAddress) bound.channel().localAddress();
    }

    /** Adds the frame decoder, and the heartbeat handlers if there is a heartbeat, which it returns. */
    private static HeartbeatHandler pipeline(ChannelPipeline p, Heartbeat heartbeat) {
        HeartbeatHandler hb = null;
        if (heartbeat != null) {
            p.addLast(new IdleStateHandler(heartbeat.interval().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
        }
        p.addLast(new LengthFieldBasedFrameDecoder(Frames.HEADER + Frames.MAX_PAYLOAD, 0, Frames.HEADER));
        if (heartbeat != null) {
            hb = new HeartbeatHandler(heartbeat);
            p.addLast(hb);
        }
        return hb;
    }

    @Override
    public Client connect(InetSocketAddress server, Heartbeat heartbeat, EchoListener listener) throws IOException {
        synchronized (this) {
            if (clientGroup == null) {
                clientGroup = group("bench-netty-client", threads);
                bootstrap = new Bootstrap()
                        .group(clientGroup)
                        .channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
                        .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) WAIT.toMillis());
            }
        }
        NettyClient client = new NettyClient(listener);
        ChannelFuture connected = bootstrap.clone()
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        HeartbeatHandler hb = pipeline(ch.pipeline(), heartbeat);
                        if (hb != null) {
                            hb.onControl = () -> listener.onHeartbeat(client);
                        }
                        ch.closeFuture().addListener(f -> listener.onClose(client, hb != null && hb.timedOut));
                        ch.pipeline().addLast(client);
                    }
                })
                .connect(server);
        await(connected);
        client.channel = connected.channel();
        channels.add(client.channel);
        client.channel.closeFuture().addListener(f -> channels.remove(client.channel));
        return client;
    }

    private static void await(ChannelFuture f) throws IOException {
        if (!f.awaitUninterruptibly(WAIT.toMillis())) {
            f.channel().close();
            throw new IOException("netty: timed out after " + WAIT);
        }
        if (!f.isSuccess()) {
            throw new IOException("netty: " + f.cause(), f.cause());
        }
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().awaitUninterruptibly(WAIT.toMillis());
        }
        for (EventLoopGroup g : new EventLoopGroup[] {clientGroup, serverGroup, bossGroup}) {
            if (g != null) {
                g.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(WAIT.toMillis());
            }
        }
    }

    /** Echoes every data frame, header and all, and flushes once per read batch. */
    @ChannelHandler.Sharable
    private static final class EchoServerHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * PING after each interval of read silence, close at the timeout; answers PINGs, swallows control frames. Any
     * frame read is a sign of life.
     */
    private static final class HeartbeatHandler extends ChannelInboundHandlerAdapter {
        private final long timeoutNanos;
        private long lastRead = System.nanoTime();
        private boolean wrote;
        volatile boolean timedOut;
        /** Told of every control frame read; set before the channel is registered. */
        Runnable onControl = () -> { };

        HeartbeatHandler(Heartbeat heartbeat) {
            this.timeoutNanos = heartbeat.timeout().toNanos();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastRead = System.nanoTime();
            ByteBuf frame = (ByteBuf) msg;
            if (frame.readableBytes() == Frames.HEADER + Frames.CONTROL_LENGTH) {
                byte type = frame.getByte(frame.readerIndex() + Frames.HEADER);
                frame.release();
                onControl.run();
                if (type == Frames.PING) {
                    ctx.write(PONG.duplicate(), ctx.voidPromise());
                    wrote = true;
                }
                return;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (wrote) {
                wrote = false;
                ctx.flush();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE) {
                // IdleStateHandler fires at each interval of silence; a millisecond of slack absorbs its rounding.
                if (System.nanoTime() - lastRead >= timeoutNanos - 1_000_000) {
                    timedOut = true;
                    ctx.close();
                } else {
                    ctx.writeAndFlush(PING.duplicate(), ctx.voidPromise());
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** A client connection: counts echoes through its listener and flushes once per read batch. */
    private static final class NettyClient extends ChannelInboundHandlerAdapter implements Client {
        private final EchoListener listener;
        volatile Channel channel;

        NettyClient(EchoListener listener) {
            this.listener = listener;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            int length = frame.readableBytes() - Frames.HEADER;
            frame.release();
            listener.onEcho(this, length);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void send(byte[] payload) {
            Channel ch = channel;
            Frames.checkData(payload);
            ByteBuf buf = ch.alloc().buffer(Frames.HEADER + payload.length);
            buf.writeInt(payload.length).writeBytes(payload);
            ch.write(buf, ch.voidPromise());
        }

        @Override
        public void flush() {
            channel.flush();
        }

        @Override
        public void close() {
            channel.close().awaitUninterruptibly(WAIT.toMillis());
        }
    }
}
