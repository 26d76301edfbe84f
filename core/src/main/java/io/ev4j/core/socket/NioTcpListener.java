package io.ev4j.core.socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/// A [TcpListener] over a non-blocking [ServerSocketChannel], for loops on the `nio` backend
/// (see [NioListening]). [#accept()] returns `null` when no connection waits and wraps each
/// accepted channel in a non-blocking [NioTcpSocket].
final class NioTcpListener extends NioListening implements TcpListener {
    private final InetSocketAddress local;

    private NioTcpListener(ServerSocketChannel channel, SocketOptions passedOn) throws IOException {
        super(channel, passedOn, false);
        this.local = (InetSocketAddress) channel.getLocalAddress();
    }

    /// Opens, applies `options`, binds and starts listening; the channel is closed again if
    /// any step fails.
    static TcpListener listen(InetSocketAddress address, int backlog, SocketOptions options) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        SocketOptions passedOn = bind(channel, address, backlog, options, false, NativeTcpSocket.describe(address));
        try {
            return new NioTcpListener(channel, passedOn);
        } catch (IOException | RuntimeException e) {
            NioStream.closeQuietly(channel, e);
            throw e;
        }
    }

    @Override
    public TcpSocket accept() throws IOException {
        SocketChannel accepted = acceptChannel();
        return accepted == null ? null : new NioTcpSocket(accepted, null);
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    String target() {
        return NativeTcpSocket.describe(local);
    }

    @Override
    public String toString() {
        return "NioTcpListener[" + channel + "]";
    }
}
