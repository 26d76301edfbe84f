package io.ev4j.core.socket;

import io.ev4j.core.IoSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;

/// A [TcpSocket] over a non-blocking [SocketChannel], for loops on the `nio` backend.
///
/// Every call maps onto one channel call: `read` and `write` return the channel's counts
/// (`0` for "nothing now", `-1` at end of stream), and failures are the channel's
/// [IOException]s (a refused connect is a [java.net.ConnectException] from
/// [#finishConnect()]). [#source()] is the same [IoSource] on every call.
final class NioTcpSocket implements TcpSocket {

    private final SocketChannel channel;
    private final IoSource source;

    /// Wraps a connected or connecting channel and makes it non-blocking. On failure the
    /// channel is closed.
    NioTcpSocket(SocketChannel channel) throws IOException {
        try {
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
        this.channel = channel;
        this.source = IoSource.channel(channel);
    }

    /// Opens a non-blocking channel and starts connecting it to `remote`. Loopback connects
    /// may complete at once; [#finishConnect()] then simply returns true.
    static TcpSocket connect(InetSocketAddress remote) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            channel.connect(remote);
            return new NioTcpSocket(channel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    @Override
    public IoSource source() {
        return source;
    }

    @Override
    public boolean finishConnect() throws IOException {
        return channel.finishConnect();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return dst.hasRemaining() ? channel.read(dst) : 0;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return src.hasRemaining() ? channel.write(src) : 0;
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, on);
    }

    /// The peer's address, or `null` while not yet connected.
    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        return (InetSocketAddress) channel.getRemoteAddress();
    }

    /// This end's address, or `null` if the socket is not bound (it is once connecting).
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
        return "NioTcpSocket[" + channel + "]";
    }

    /// Closes `channel` after `failure`, recording a failed close as suppressed.
    static void closeQuietly(Channel channel, Throwable failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
