package io.ev4j.core.socket;

import io.ev4j.core.IoSource;
import io.ev4j.core.Loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/// A non-blocking TCP connection, of the kind the loop's backend watches.
///
/// ```java
/// TcpSocket socket = TcpSocket.connect(loop, new InetSocketAddress("127.0.0.1", 34567));
/// new IoWatcher(loop, socket.source(), Events.WRITE, (w, events) -> {
///     w.stop();
///     if (socket.finishConnect()) socket.write(ByteBuffer.wrap("hi".getBytes()));
/// }).start();
/// ```
///
/// On a native backend this is a socket fd driven by system calls through FFM; on the `nio`
/// backend it is a [java.nio.channels.SocketChannel]. The same program runs on both.
///
/// ## Guarantees and caveats
/// - Never blocks. "Nothing to do now" is a return value (`0`), never an exception.
/// - Other failures are [IOException]s; on native backends an [io.ev4j.core.ErrnoException]
///   naming the call, the peer and the errno.
/// - [#read] and [#write] take heap or direct buffers; direct buffers avoid a copy on native
///   backends, and reusing the same direct buffer avoids all allocation.
/// - Stop every io watcher on [#source()] before [#close()].
/// - Loop thread only, like the loop.
public sealed interface TcpSocket extends AutoCloseable permits NativeTcpSocket, NioTcpSocket {

    /// Starts connecting to `remote` (IPv4 or IPv6) without blocking. Watch [#source()] for
    /// [io.ev4j.core.Events#WRITE], then call [#finishConnect()].
    static TcpSocket connect(Loop loop, InetSocketAddress remote) throws IOException {
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("address is unresolved: " + remote);
        }
        return loop.watchesFds() ? NativeTcpSocket.connect(loop, remote) : NioTcpSocket.connect(remote);
    }

    /// What an [io.ev4j.core.IoWatcher] on this socket watches.
    IoSource source();

    /// Completes a connect after write readiness: true when connected, false when still in
    /// progress.
    ///
    /// @throws IOException the connect failed (`ECONNREFUSED`, ...)
    boolean finishConnect() throws IOException;

    /// Reads into `dst` from its position: the number of bytes read, `0` when nothing is
    /// available now (or `dst` is full), `-1` at end of stream.
    int read(ByteBuffer dst) throws IOException;

    /// Writes from `src` from its position: the number of bytes written, `0` when the socket's
    /// send buffer is full (watch for [io.ev4j.core.Events#WRITE]).
    int write(ByteBuffer src) throws IOException;

    /// Sends end-of-stream to the peer and keeps reading possible (half-close).
    void shutdownOutput() throws IOException;

    /// Turns Nagle's algorithm off (`true`) or on.
    void setTcpNoDelay(boolean on) throws IOException;

    /// The peer's address.
    InetSocketAddress remoteAddress() throws IOException;

    /// This end's address.
    InetSocketAddress localAddress() throws IOException;

    /// True until [#close()].
    boolean isOpen();

    /// Closes the socket. Idempotent; never throws.
    @Override
    void close();
}
