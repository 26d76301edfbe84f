package io.ev4j.core.socket;

import io.ev4j.core.IoSource;
import io.ev4j.core.Loop;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.SockaddrAbi;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;

/// A listening TCP socket on a raw fd, for native backends: every call goes through the loop's
/// [Syscalls].
///
/// The socket is non-blocking, close-on-exec and `SO_REUSEADDR`; an IPv6 address keeps the
/// kernel's `IPV6_V6ONLY` default. [#accept()] uses `accept4`, so accepted sockets are
/// non-blocking and close-on-exec from the start, and skips connections aborted before they
/// were accepted (`ECONNABORTED`).
final class NativeTcpListener implements TcpListener {
    private final Syscalls sys;
    private final IoSource source;
    private final InetSocketAddress local;
    private int fd;

    private NativeTcpListener(Syscalls sys, int fd, InetSocketAddress local) {
        this.sys = sys;
        this.fd = fd;
        this.source = IoSource.fd(fd);
        this.local = local;
    }

    /// Opens a socket of `address`'s family, binds it and listens.
    static TcpListener listen(Loop loop, InetSocketAddress address, int backlog) throws IOException {
        Syscalls sys = NativeTcpSocket.syscalls(loop);
        String target = NativeTcpSocket.describe(address);
        int fd = sys.socket(SockaddrAbi.family(address.getAddress()));
        if (fd < 0) {
            throw Errno.exception("socket", target, -fd);
        }
        int r = sys.setsockoptInt(fd, SockaddrAbi.SOL_SOCKET, SockaddrAbi.SO_REUSEADDR, 1);
        if (r < 0) {
            throw fail(sys, fd, "setsockopt", target, r);
        }
        r = sys.bind(fd, address);
        if (r < 0) {
            throw fail(sys, fd, "bind", target, r);
        }
        r = sys.listen(fd, backlog);
        if (r < 0) {
            throw fail(sys, fd, "listen", target, r);
        }
        r = sys.getsockname(fd);
        if (r < 0) {
            throw fail(sys, fd, "getsockname", target, r);
        }
        return new NativeTcpListener(sys, fd, sys.lastAddress());
    }

    private static IOException fail(Syscalls sys, int fd, String call, String target, int r) {
        sys.close(fd);
        return Errno.exception(call, target, -r);
    }

    @Override
    public IoSource source() {
        return source;
    }

    @Override
    public TcpSocket accept() throws IOException {
        ensureOpen();
        for (;;) {
            int r = sys.accept4(fd);
            if (r >= 0) {
                return new NativeTcpSocket(sys, r, sys.lastAddress(), true);
            }
            if (r == -Errno.EAGAIN) {
                return null;
            }
            if (r != -Errno.EINTR && r != -Errno.ECONNABORTED) {
                throw Errno.exception("accept4", NativeTcpSocket.describe(local), -r);
            }
        }
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        ensureOpen();
        return local;
    }

    @Override
    public boolean isOpen() {
        return fd >= 0;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            sys.close(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "NativeTcpListener[" + (fd >= 0 ? "fd " + fd : "closed") + ", "
                + NativeTcpSocket.describe(local) + "]";
    }

    private void ensureOpen() throws ClosedChannelException {
        if (fd < 0) {
            throw new ClosedChannelException();
        }
    }
}
