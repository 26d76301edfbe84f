package io.ev4j.core.socket;

import io.ev4j.core.IoSource;

import java.io.IOException;
import java.net.SocketAddress;

/// A non-blocking listening stream socket, TCP ([TcpListener]) or Unix-domain
/// ([UnixListener]).
///
/// ```java
/// StreamListener l = TcpListener.listen(loop, new InetSocketAddress(8080), 128);
/// new IoWatcher(loop, l.source(), Events.READ, (w, ev) -> {
///     for (StreamSocket s; (s = l.accept()) != null; ) serve(s);
/// }).start();
/// ```
///
/// Accepted sockets are non-blocking (and close-on-exec on native backends). Failures are
/// typed as for [StreamSocket]; `EMFILE`/`ENFILE` from accept are [io.ev4j.core.ErrnoException]s
/// whose `errno()` says so, for a caller that wants to handle running out of descriptors.
public sealed interface StreamListener extends AutoCloseable permits TcpListener, UnixListener {

    /// What an [io.ev4j.core.IoWatcher] on this listener watches ([io.ev4j.core.Events#READ]).
    IoSource source();

    /// Accepts one waiting connection, or returns `null` when none is waiting. Connections the
    /// peer aborted before they were accepted are skipped.
    StreamSocket accept() throws IOException;

    /// The bound address.
    SocketAddress localAddress() throws IOException;

    /// The effective value of `option` on the listening socket, as for [StreamSocket#option].
    int option(SocketOptions.Option option) throws IOException;

    /// The name of the loop backend this listener was made for (`epoll`, `poll`, `nio`).
    String backendName();

    /// True until [#close()].
    boolean isOpen();

    /// Closes the listening socket. Idempotent; never throws.
    @Override
    void close();
}
