package io.ev4j.core.socket;

import io.ev4j.core.IoSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;

/// The family-independent part of a stream socket over a non-blocking [SocketChannel], for
/// loops on the `nio` backend.
///
/// Every call maps onto one channel call: `read` and `write` return the channel's counts
/// (`0` for "nothing now", `-1` at end of stream); failures go through [NioErrors], so they
/// are typed and name the peer as on native backends. [#source()] is the same [IoSource] on
/// every call.
abstract class NioStream {
    final SocketChannel channel;
    private final IoSource source;

    /// Wraps a connected or connecting channel and makes it non-blocking. On failure the
    /// channel is closed.
    NioStream(SocketChannel channel) throws IOException {
        try {
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
        this.channel = channel;
        this.source = IoSource.channel(channel);
    }

    /// Applies `options` to a new channel and starts connecting it; closes it on failure.
    static SocketChannel connect(SocketChannel channel, java.net.SocketAddress remote, SocketOptions options,
                                 boolean unix, String target) throws IOException {
        try {
            channel.configureBlocking(false);
            NioOptions.apply(channel, options, unix, target);
            try {
                channel.connect(remote);
            } catch (IOException e) {
                throw NioErrors.wrap("connect", target, e);
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    /// What error messages name: the peer.
    abstract String target();

    abstract boolean unix();

    public final IoSource source() {
        return source;
    }

    public final boolean finishConnect() throws IOException {
        try {
            return channel.finishConnect();
        } catch (IOException e) {
            throw NioErrors.wrap("connect", target(), e);
        }
    }

    public final int read(ByteBuffer dst) throws IOException {
        try {
            return dst.hasRemaining() ? channel.read(dst) : 0;
        } catch (IOException e) {
            throw NioErrors.wrap("read", target(), e);
        }
    }

    public final int write(ByteBuffer src) throws IOException {
        try {
            return src.hasRemaining() ? channel.write(src) : 0;
        } catch (IOException e) {
            throw NioErrors.wrap("send", target(), e);
        }
    }

    public final void shutdownOutput() throws IOException {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            throw NioErrors.wrap("shutdown", target(), e);
        }
    }

    public final void apply(SocketOptions options) throws IOException {
        NioOptions.apply(channel, options, unix(), target());
    }

    public final int option(SocketOptions.Option option) throws IOException {
        return NioOptions.get(channel, option, unix(), target());
    }

    public final boolean isOpen() {
        return channel.isOpen();
    }

    /// Closes the channel, which also cancels its selector keys. Idempotent; never throws.
    public final void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // A close that fails has still released the descriptor; nothing to report.
        }
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
