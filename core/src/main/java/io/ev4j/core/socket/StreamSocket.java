package io.ev4j.core.socket;

import io.ev4j.core.IoSource;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/// A non-blocking stream connection, TCP ([TcpSocket]) or Unix-domain ([UnixSocket]), of the
/// kind the loop's backend watches.
///
/// ```java
/// StreamSocket s = listener.accept();
/// s.apply(SocketOptions.NONE.withLingerSeconds(0));
/// new IoWatcher(loop, s.source(), Events.READ, (w, ev) -> {
///     if (s.read(buffer) < 0) { w.stop(); s.close(); }
/// }).start();
/// ```
///
/// ## Guarantees and caveats
/// - Never blocks. "Nothing to do now" is a return value (`0`), never an exception.
/// - A failed call is an [io.ev4j.core.ErrnoException] naming the call, the peer and the
///   errno on every backend (on `nio` it is recognised from the JDK's exception, kept as the
///   cause; one not recognised stays an [IOException] whose message names call and peer).
///   Calls on a closed socket throw [java.nio.channels.ClosedChannelException].
/// - Stop every io watcher on [#source()] before [#close()]. Loop thread only, like the loop.
public sealed interface StreamSocket extends AutoCloseable permits TcpSocket, UnixSocket {

    /// What an [io.ev4j.core.IoWatcher] on this socket watches.
    IoSource source();

    /// Completes a connect after write readiness: true when connected, false when still in
    /// progress.
    ///
    /// @throws IOException the connect failed (`ECONNREFUSED`, ...), naming the address
    boolean finishConnect() throws IOException;

    /// Reads into `dst` from its position: the number of bytes read, `0` when nothing is
    /// available now (or `dst` is full), `-1` at end of stream.
    int read(ByteBuffer dst) throws IOException;

    /// Writes from `src` from its position: the number of bytes written, `0` when the socket's
    /// send buffer is full (watch for [io.ev4j.core.Events#WRITE]).
    int write(ByteBuffer src) throws IOException;

    /// Sends end-of-stream to the peer and keeps reading possible (half-close): the peer reads
    /// `-1` and can still write back.
    void shutdownOutput() throws IOException;

    /// Applies every option set in `options`, in [SocketOptions.Option] order.
    ///
    /// @throws UnsupportedSocketOptionException an option this backend or socket kind cannot
    ///         take (checked before any is applied)
    /// @throws IOException a `setsockopt` failed
    void apply(SocketOptions options) throws IOException;

    /// The effective value of `option`, read back from the kernel (`getsockopt`): booleans as
    /// `0`/`1`, [SocketOptions.Option#SO_LINGER] as `-1` when off.
    ///
    /// @throws UnsupportedSocketOptionException this backend or socket kind cannot read it
    int option(SocketOptions.Option option) throws IOException;

    /// The peer's address.
    SocketAddress remoteAddress() throws IOException;

    /// This end's address.
    SocketAddress localAddress() throws IOException;

    /// True until [#close()].
    boolean isOpen();

    /// Closes the socket (abortively, with a reset to the peer, if
    /// [SocketOptions.Option#SO_LINGER] is `0`). Idempotent; never throws.
    @Override
    void close();
}
