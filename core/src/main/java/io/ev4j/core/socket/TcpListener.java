package io.ev4j.core.socket;

import io.ev4j.core.Loop;

import java.io.IOException;
import java.net.InetSocketAddress;

/// A non-blocking listening TCP socket, of the kind the loop's backend watches.
///
/// ```java
/// TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(34567), 1024,
///         SocketOptions.LISTENER_DEFAULTS.withReusePort(true));
/// new IoWatcher(loop, listener.source(), Events.READ, (w, events) -> {
///     for (TcpSocket s; (s = listener.accept()) != null; ) serve(s);
/// }).start();
/// ```
///
/// Options are applied before `bind`. Without options, [SocketOptions#LISTENER_DEFAULTS]
/// (`SO_REUSEADDR`) is used, so a restarted server can bind at once. An address with port 0
/// gets an ephemeral port: read it back with [#localAddress()]. A busy address fails with
/// `bind(<address>) failed: EADDRINUSE`. Accepted sockets are non-blocking and (on native
/// backends) close-on-exec.
public sealed interface TcpListener extends StreamListener permits NativeTcpListener, NioTcpListener {

    /// Binds to `address` (IPv4, IPv6, or a wildcard) and listens with `backlog`, with
    /// [SocketOptions#LISTENER_DEFAULTS].
    static TcpListener listen(Loop loop, InetSocketAddress address, int backlog) throws IOException {
        return listen(loop, address, backlog, SocketOptions.LISTENER_DEFAULTS);
    }

    /// Binds to `address` and listens with `backlog`, with exactly `options` applied before
    /// the bind. On failure the socket is closed.
    ///
    /// @throws UnsupportedSocketOptionException an option the backend cannot set
    ///         (`TCP_DEFER_ACCEPT` and `IPV6_V6ONLY` on `nio`)
    static TcpListener listen(Loop loop, InetSocketAddress address, int backlog, SocketOptions options)
            throws IOException {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address is unresolved: " + address);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
        }
        return loop.watchesFds()
                ? NativeTcpListener.listen(loop, address, backlog, options)
                : NioTcpListener.listen(address, backlog, options);
    }

    /// Accepts one waiting connection, or returns `null` when none is waiting.
    @Override
    TcpSocket accept() throws IOException;

    /// The bound address, with the real port when port 0 was asked for.
    @Override
    InetSocketAddress localAddress() throws IOException;
}
