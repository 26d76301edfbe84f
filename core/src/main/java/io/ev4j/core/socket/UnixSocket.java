package io.ev4j.core.socket;

import io.ev4j.core.Loop;

import java.io.IOException;

/// A non-blocking Unix-domain stream connection, to a path or (native backends) a Linux
/// abstract name.
///
/// ```java
/// UnixSocket s = UnixSocket.connect(loop, UnixAddress.of(Path.of("/run/app.sock")));
/// new IoWatcher(loop, s.source(), Events.WRITE, (w, ev) -> {
///     w.stop();
///     if (s.finishConnect()) s.write(ByteBuffer.wrap("status\n".getBytes()));
/// }).start();
/// ```
///
/// Same contract as every [StreamSocket]. A connect to a path nobody listens on fails at once
/// with `ENOENT` or `ECONNREFUSED` naming the path. A connect to a listener
/// whose backlog is full fails at once with `EAGAIN`: nothing was queued, so unlike elsewhere
/// this `EAGAIN` is a failure, not "try later". Only [SocketOptions.Option#SO_RCVBUF],
/// [SocketOptions.Option#SO_SNDBUF] and [SocketOptions.Option#SO_LINGER] apply here.
public sealed interface UnixSocket extends StreamSocket permits NativeUnixSocket, NioUnixSocket {

    /// Starts connecting to `remote` without blocking; watch for write readiness and call
    /// [#finishConnect()] (a local connect usually completes at once).
    ///
    /// @throws UnsupportedOperationException an abstract name on the `nio` backend
    static UnixSocket connect(Loop loop, UnixAddress remote) throws IOException {
        return connect(loop, remote, SocketOptions.NONE);
    }

    /// As [#connect(Loop, UnixAddress)] with `options` applied first.
    static UnixSocket connect(Loop loop, UnixAddress remote, SocketOptions options) throws IOException {
        if (remote.isUnnamed()) {
            throw new IllegalArgumentException("cannot connect to an unnamed unix address");
        }
        return loop.watchesFds()
                ? NativeUnixSocket.connect(loop, remote, options)
                : NioUnixSocket.connect(remote, options);
    }

    /// The peer's address ([UnixAddress#UNNAMED] for a client that did not bind).
    @Override
    UnixAddress remoteAddress() throws IOException;

    /// This end's address ([UnixAddress#UNNAMED] unless bound).
    @Override
    UnixAddress localAddress() throws IOException;
}
