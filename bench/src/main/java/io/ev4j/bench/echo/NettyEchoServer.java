package io.ev4j.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/// The peer's echo server, written the way its users write one: a handler that writes back
/// every buffer it reads and flushes once per read burst, on a group of one event loop thread
/// that both accepts and serves, with the library's default (pooled, direct) allocator.
///
/// ```java
/// EchoServer server = NettyEchoServer.start(true, 0);   // native epoll transport
/// ```
final class NettyEchoServer implements EchoServer {
    private final EventLoopGroup group;
    private final Channel channel;
    private final long threadId;
    private final boolean epoll;

    private NettyEchoServer(EventLoopGroup group, Channel channel, long threadId, boolean epoll) {
        this.group = group;
        this.channel = channel;
        this.threadId = threadId;
        this.epoll = epoll;
    }

    /// Starts on the native epoll transport (`epoll`) or on NIO, on 127.0.0.1:`port`.
    static EchoServer start(boolean epoll, int port) throws Exception {
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        Channel channel = new ServerBootstrap()
                .group(group, group)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(Echo.INSTANCE)
                .bind("127.0.0.1", port).sync().channel();
        long threadId = group.next().submit(() -> Thread.currentThread().threadId()).get();
        return new NettyEchoServer(group, channel, threadId, epoll);
    }

    @Override
    public int port() {
        return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public long loopThreadId() {
        return threadId;
    }

    @Override
    public String describe() {
        return "the peer, " + (epoll ? "native epoll" : "NIO") + " transport, " + group.getClass().getSimpleName();
    }

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
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
}
