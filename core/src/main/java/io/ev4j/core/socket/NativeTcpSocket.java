package io.ev4j.core.socket;

import io.ev4j.core.Loop;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.SockaddrAbi;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/// A TCP connection on a raw socket fd, for native backends: every call goes through the
/// loop's [Syscalls] (see [NativeStream] for reads, writes and buffers).
final class NativeTcpSocket extends NativeStream implements TcpSocket {
    private final InetSocketAddress remote;

    NativeTcpSocket(Syscalls sys, int fd, InetSocketAddress remote, boolean connected) {
        super(sys, fd, connected);
        this.remote = remote;
    }

    /// Opens a non-blocking socket of `remote`'s family, applies `options` and starts
    /// connecting it.
    static TcpSocket connect(Loop loop, InetSocketAddress remote, SocketOptions options) throws IOException {
        Syscalls sys = syscalls(loop);
        String target = describe(remote);
        int fd = open(sys, SockaddrAbi.family(remote.getAddress()), options, false, target);
        int r = sys.connect(fd, remote);
        // EINTR: a non-blocking connect then goes on in the background, like EINPROGRESS.
        if (r < 0 && r != -Errno.EINPROGRESS && r != -Errno.EINTR) {
            sys.close(fd);
            throw Errno.exception("connect", target, -r);
        }
        return new NativeTcpSocket(sys, fd, remote, r == 0);
    }

    /// `host:port`, `[v6]:port`, for error messages.
    static String describe(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws IOException {
        apply(SocketOptions.NONE.withTcpNoDelay(on));
    }

    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        ensureOpen();
        if (remote != null) {
            return remote;
        }
        int r = sys.getpeername(fd);
        if (r < 0) {
            throw Errno.exception("getpeername", target(), -r);
        }
        return sys.lastAddress();
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        ensureOpen();
        int r = sys.getsockname(fd);
        if (r < 0) {
            throw Errno.exception("getsockname", target(), -r);
        }
        return sys.lastAddress();
    }

    @Override
    boolean unix() {
        return false;
    }

    @Override
    String target() {
        return remote != null ? describe(remote) : "fd " + fd;
    }

    @Override
    public String toString() {
        return "NativeTcpSocket[" + (fd >= 0 ? "fd " + fd : "closed")
                + (remote != null ? ", peer " + describe(remote) : "") + "]";
    }
}
