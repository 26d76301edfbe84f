package io.ev4j.core.socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/// A [TcpSocket] over a non-blocking [SocketChannel], for loops on the `nio` backend (see
/// [NioStream]). A refused connect is an [io.ev4j.core.ErrnoException] (`ECONNREFUSED`) from
/// [#finishConnect()] naming the address, the JDK's exception as its cause.
final class NioTcpSocket extends NioStream implements TcpSocket {
    /// The address connected to, or null for an accepted socket until first asked.
    private InetSocketAddress remote;

    NioTcpSocket(SocketChannel channel, InetSocketAddress remote) throws IOException {
        super(channel);
        this.remote = remote;
    }

    /// Opens a non-blocking channel, applies `options` and starts connecting it to `remote`.
    /// Loopback connects may complete at once; [#finishConnect()] then simply returns true.
    static TcpSocket connect(InetSocketAddress remote, SocketOptions options) throws IOException {
        String target = NativeTcpSocket.describe(remote);
        return new NioTcpSocket(connect(SocketChannel.open(), remote, options, false, target), remote);
    }

    @Override
    public void setTcpNoDelay(boolean on) throws IOException {
        apply(SocketOptions.NONE.withTcpNoDelay(on));
    }

    /// The peer's address, or `null` while not yet connected.
    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        return remote != null ? remote : (InetSocketAddress) channel.getRemoteAddress();
    }

    /// This end's address, or `null` if the socket is not bound (it is once connecting).
    @Override
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    String target() {
        if (remote == null && channel.isOpen()) {
            try {
                remote = (InetSocketAddress) channel.getRemoteAddress();
            } catch (IOException ignored) {
                // Not connected: named by the channel below.
            }
        }
        return remote != null ? NativeTcpSocket.describe(remote) : channel.toString();
    }

    @Override
    boolean unix() {
        return false;
    }

    @Override
    public String toString() {
        return "NioTcpSocket[" + channel + "]";
    }
}
