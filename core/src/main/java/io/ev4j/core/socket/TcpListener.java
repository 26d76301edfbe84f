package io.ev4j.core.socket;

import io.ev4j.core.IoSource;
import io.ev4j.core.Loop;

import java.io.IOException;
import java.net.InetSocketAddress;

/// A non-blocking listening TCP socket, of the kind the loop's backend watches.
///
/// ```java
/// TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(34567), 1024);
/// new IoWatcher(loop, listener.source(), Events.READ, (w, events) -> {
///     for (TcpSocket s; (s = listener.accept()) != null; ) serve(s);
/// }).start();
/// ```
///
/// `SO_REUSEADDR` is set, so a restarted server can bind at once. An address with port 0
/// gets an ephemeral port: read it back with [#localAddress()]. Accepted sockets are
/// non-blocking and (on native backends) close-on-exec.
public sealed interface TcpListener extends AutoCloseable permits NativeTcpListener, NioTcpListener {

    /// Binds to `address` (IPv4, IPv6, or a wildcard) and listens with `backlog`.
    static TcpListener listen(Loop loop, InetSocketAddress address, int backlog) throws IOException {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address is unresolved: " + address);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
        }
        return loop.watchesFds()
                ? NativeTcpListener.listen(loop, address, backlog)
                : NioTcpListener.listen(address, backlog);
    }

    /// What an [io.ev4j.core.IoWatcher] on this listener watches ([io.ev4j.core.Events#READ]).
    IoSource source();

    /// Accepts one waiting connection, or returns `null` when none is waiting.
    TcpSocket accept() throws IOException;

    /// The bound address, with the real port when port 0 was asked for.
    InetSocketAddress localAddress() throws IOException;

    /// True until [#close()].
    boolean isOpen();

    /// Closes the listening socket. Idempotent; never throws.
    @Override
    void close();
}
