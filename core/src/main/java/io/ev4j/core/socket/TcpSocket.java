package io.ev4j.core.socket;

import io.ev4j.core.IoSource;
import io.ev4j.core.Loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/// A non-blocking TCP connection (IPv4 or IPv6), of the kind the loop's backend watches.
///
/// ```java
/// TcpSocket socket = TcpSocket.connect(loop, new InetSocketAddress("127.0.0.1", 34567),
///         SocketOptions.NONE.withTcpNoDelay(true));
/// new IoWatcher(loop, socket.source(), Events.WRITE, (w, events) -> {
///     w.stop();
///     if (socket.finishConnect()) socket.write(ByteBuffer.wrap("hi".getBytes()));
/// }).start();
/// ```
///
/// On a native backend this is a socket fd driven by system calls through FFM; on the `nio`
/// backend it is a [java.nio.channels.SocketChannel]. The same program runs on both, except
/// for the options the `nio` backend cannot set (see [SocketOptions]).
///
/// ## Guarantees and caveats
/// - As for every [StreamSocket]: never blocks; failures are [io.ev4j.core.ErrnoException]s
///   naming the call, the peer and the errno (`connect(127.0.0.1:9) failed: ECONNREFUSED`).
/// - [#read] and [#write] take heap or direct buffers; direct buffers avoid a copy on native
///   backends, and reusing the same direct buffer avoids all allocation.
/// - Stop every io watcher on [#source()] before [#close()].
/// - Loop thread only, like the loop.
public sealed interface TcpSocket extends StreamSocket permits NativeTcpSocket, NioTcpSocket {

    /// Starts connecting to `remote` (IPv4 or IPv6) without blocking. Watch [#source()] for
    /// [io.ev4j.core.Events#WRITE], then call [#finishConnect()].
    static TcpSocket connect(Loop loop, InetSocketAddress remote) throws IOException {
        return connect(loop, remote, SocketOptions.NONE);
    }

    /// As [#connect(Loop, InetSocketAddress)], with `options` applied before the connect
    /// starts. On failure the socket is closed.
    ///
    /// @throws UnsupportedSocketOptionException an option the backend cannot set
    static TcpSocket connect(Loop loop, InetSocketAddress remote, SocketOptions options) throws IOException {
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("address is unresolved: " + remote);
        }
        return loop.watchesFds()
                ? NativeTcpSocket.connect(loop, remote, options)
                : NioTcpSocket.connect(remote, options);
    }

    @Override
    IoSource source();

    @Override
    boolean finishConnect() throws IOException;

    @Override
    int read(ByteBuffer dst) throws IOException;

    @Override
    int write(ByteBuffer src) throws IOException;

    @Override
    void shutdownOutput() throws IOException;

    /// Turns Nagle's algorithm off (`true`) or on: [SocketOptions.Option#TCP_NODELAY].
    void setTcpNoDelay(boolean on) throws IOException;

    /// The peer's address.
    @Override
    InetSocketAddress remoteAddress() throws IOException;

    /// This end's address.
    @Override
    InetSocketAddress localAddress() throws IOException;

    @Override
    boolean isOpen();

    @Override
    void close();
}
