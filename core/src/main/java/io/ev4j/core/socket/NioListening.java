package io.ev4j.core.socket;

import io.ev4j.core.IoSource;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/// The family-independent part of a listener over a non-blocking [ServerSocketChannel], for
/// loops on the `nio` backend.
///
/// Options the listening channel cannot take but accepted channels can (`TCP_NODELAY`,
/// keep-alive, `SO_SNDBUF`, `SO_LINGER`: a native TCP listener hands these down through the
/// kernel) are applied to each accepted TCP socket instead, so both backends give accepted
/// sockets the same options. On a Unix listener they have no effect on any backend (Linux
/// does not pass them on), so they are skipped. [#source()] is the same [IoSource] on every call.
abstract class NioListening {
    final ServerSocketChannel channel;
    private final IoSource source;
    private final SocketOptions passedOn;
    private final boolean unix;

    NioListening(ServerSocketChannel channel, SocketOptions passedOn, boolean unix) {
        this.channel = channel;
        this.source = IoSource.channel(channel);
        this.passedOn = passedOn;
        this.unix = unix;
    }

    /// Applies what the channel takes of `options`, binds and listens; returns the options
    /// left for accepted sockets. Closes the channel if any step fails.
    static SocketOptions bind(ServerSocketChannel channel, SocketAddress address, int backlog,
                              SocketOptions options, boolean unix, String target) throws IOException {
        try {
            options.requireKind(unix);
            SocketOptions notHere = NioOptions.forAccepted(channel, options);
            // Linux passes a TCP listener's options on to accepted sockets, but not a Unix one's:
            // there they do nothing on any backend.
            SocketOptions passedOn = unix ? SocketOptions.NONE : notHere;
            NioOptions.apply(channel, NioOptions.minus(options, notHere), unix, target);
            try {
                channel.bind(address, backlog);
            } catch (IOException e) {
                throw NioErrors.wrap("bind", target, e);
            }
            channel.configureBlocking(false);
            return passedOn;
        } catch (IOException | RuntimeException e) {
            NioStream.closeQuietly(channel, e);
            throw e;
        }
    }

    abstract String target();

    /// The next accepted channel with the passed-on options applied, or null.
    final SocketChannel acceptChannel() throws IOException {
        SocketChannel accepted;
        try {
            accepted = channel.accept();
        } catch (IOException e) {
            throw NioErrors.wrap("accept", target(), e);
        }
        if (accepted != null && !passedOn.isEmpty()) {
            try {
                NioOptions.apply(accepted, passedOn, unix, target());
            } catch (IOException | RuntimeException e) {
                NioStream.closeQuietly(accepted, e);
                throw e;
            }
        }
        return accepted;
    }

    public final IoSource source() {
        return source;
    }

    public final String backendName() {
        return "nio";
    }

    public final int option(SocketOptions.Option option) throws IOException {
        return NioOptions.get(channel, option, unix, target());
    }

    public final boolean isOpen() {
        return channel.isOpen();
    }

    /// Closes the channel, which also cancels its selector keys. Idempotent; never throws.
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // A close that fails has still released the descriptor; nothing to report.
        }
    }
}
