package io.ev4j.core.socket;

import io.ev4j.core.Loop;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.SockaddrAbi;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;
import java.net.InetSocketAddress;

/// A listening TCP socket on a raw fd, for native backends: every call goes through the loop's
/// [Syscalls] (see [NativeListening]).
///
/// The socket is non-blocking and close-on-exec, with the given options applied before
/// `bind`; an IPv6 address keeps the kernel's `IPV6_V6ONLY` default unless the options say.
final class NativeTcpListener extends NativeListening implements TcpListener {
    private final InetSocketAddress local;

    private NativeTcpListener(Syscalls sys, int fd, InetSocketAddress local, String backendName) {
        super(sys, fd, backendName);
        this.local = local;
    }

    /// Opens a socket of `address`'s family, applies `options`, binds it and listens.
    static TcpListener listen(Loop loop, InetSocketAddress address, int backlog, SocketOptions options)
            throws IOException {
        Syscalls sys = NativeStream.syscalls(loop);
        String target = NativeTcpSocket.describe(address);
        int fd = NativeStream.open(sys, SockaddrAbi.family(address.getAddress()), options, false, target);
        int r = sys.bind(fd, address);
        if (r < 0) {
            sys.close(fd);
            throw Errno.exception("bind", target, -r);
        }
        listen(sys, fd, backlog, target);
        r = sys.getsockname(fd);
        if (r < 0) {
            sys.close(fd);
            throw Errno.exception("getsockname", target, -r);
        }
        return new NativeTcpListener(sys, fd, sys.lastAddress(), backendName(loop));
    }

    @Override
    public TcpSocket accept() throws IOException {
        int r = acceptFd();
        return r < 0 ? null : new NativeTcpSocket(sys, r, sys.lastAddress(), true);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        ensureOpen();
        return local;
    }

    @Override
    String target() {
        return NativeTcpSocket.describe(local);
    }

    @Override
    boolean unix() {
        return false;
    }

    @Override
    public String toString() {
        return "NativeTcpListener[" + (fd >= 0 ? "fd " + fd : "closed") + ", " + target() + "]";
    }
}
