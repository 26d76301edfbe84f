package io.ev4j.core.socket;

import io.ev4j.core.IoSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/// A [TcpListener] over a non-blocking [ServerSocketChannel], for loops on the `nio` backend.
///
/// `SO_REUSEADDR` is set before binding. [#accept()] returns `null` when no connection waits
/// and wraps each accepted channel in a non-blocking [NioTcpSocket]. [#source()] is the same
/// [IoSource] on every call.
final class NioTcpListener implements TcpListener {

    private final ServerSocketChannel channel;
    private final IoSource source;

    private NioTcpListener(ServerSocketChannel channel) {
        this.channel = channel;
        this.source = IoSource.channel(channel);
    }

    /// Opens, binds and starts listening; the channel is closed again if any step fails.
    static TcpListener listen(InetSocketAddress address, int backlog) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, backlog);
            channel.configureBlocking(false);
            return new NioTcpListener(channel);
        } catch (IOException | RuntimeException e) {
            NioTcpSocket.closeQuietly(channel, e);
            throw e;
        }
    }

    @Override
    public IoSource source() {
        return source;
    }

    @Override
    public TcpSocket accept() throws IOException {
        SocketChannel accepted = channel.accept();
        return accepted == null ? null : new NioTcpSocket(accepted);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /// Closes the channel, which also cancels its selector keys. Idempotent; never throws.
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // A close that fails has still released the descriptor; nothing to report.
        }
    }

    @Override
    public String toString() {
        return "NioTcpListener[" + channel + "]";
    }
}
