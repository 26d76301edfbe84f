package io.ev4j.core.socket;

import io.ev4j.core.Loop;

import java.io.IOException;

/// A non-blocking listening Unix-domain stream socket, on a path or (native backends) a Linux
/// abstract name.
///
/// ```java
/// UnixListener l = UnixListener.listen(loop, UnixAddress.of(dir.resolve("app.sock")), 64);
/// new IoWatcher(loop, l.source(), Events.READ, (w, ev) -> {
///     for (UnixSocket s; (s = l.accept()) != null; ) serve(s);
/// }).start();
/// ```
///
/// Binding a path creates the socket file; an existing file makes `bind` fail with
/// `EADDRINUSE` naming the path (remove a stale one first). [#close()] removes the file this
/// listener created. An abstract name needs no clean-up. Options given to a Unix listener do
/// not reach accepted sockets (Linux passes none on, and `nio` does the same): apply them to
/// each accepted socket.
public sealed interface UnixListener extends StreamListener permits NativeUnixListener, NioUnixListener {

    /// Binds to `address` and listens with `backlog`.
    ///
    /// @throws UnsupportedOperationException an abstract name on the `nio` backend
    static UnixListener listen(Loop loop, UnixAddress address, int backlog) throws IOException {
        return listen(loop, address, backlog, SocketOptions.NONE);
    }

    /// As [#listen(Loop, UnixAddress, int)] with `options` applied before the bind.
    static UnixListener listen(Loop loop, UnixAddress address, int backlog, SocketOptions options)
            throws IOException {
        if (address.isUnnamed()) {
            throw new IllegalArgumentException("cannot listen on an unnamed unix address");
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
        }
        return loop.watchesFds()
                ? NativeUnixListener.listen(loop, address, backlog, options)
                : NioUnixListener.listen(address, backlog, options);
    }

    @Override
    UnixSocket accept() throws IOException;

    @Override
    UnixAddress localAddress() throws IOException;
}
