package io.ev4j.core.socket;

import io.ev4j.core.Loop;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.SockaddrAbi;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;

/// A Unix-domain stream connection on a raw socket fd, for native backends (see
/// [NativeStream] for reads, writes and buffers).
final class NativeUnixSocket extends NativeStream implements UnixSocket {
    /// The address connected to, or null for an accepted socket (whose peer is asked for).
    private final UnixAddress remote;

    NativeUnixSocket(Syscalls sys, int fd, UnixAddress remote, boolean connected) {
        super(sys, fd, connected);
        this.remote = remote;
    }

    static UnixSocket connect(Loop loop, UnixAddress remote, SocketOptions options) throws IOException {
        Syscalls sys = syscalls(loop);
        String target = remote.toString();
        int fd = open(sys, SockaddrAbi.AF_UNIX, options, true, target);
        int r = sys.connectUnix(fd, remote.bytes(), remote.isAbstract());
        // EAGAIN here is a failure: the listener's backlog is full and nothing was queued.
        if (r < 0 && r != -Errno.EINPROGRESS && r != -Errno.EINTR) {
            sys.close(fd);
            throw Errno.exception("connect", target, -r);
        }
        return new NativeUnixSocket(sys, fd, remote, r == 0);
    }

    @Override
    public UnixAddress remoteAddress() throws IOException {
        ensureOpen();
        if (remote != null) {
            return remote;
        }
        return name(sys.getpeername(fd), "getpeername");
    }

    @Override
    public UnixAddress localAddress() throws IOException {
        ensureOpen();
        return name(sys.getsockname(fd), "getsockname");
    }

    private UnixAddress name(int r, String call) throws IOException {
        if (r < 0) {
            throw Errno.exception(call, target(), -r);
        }
        return UnixAddress.fromKernel(sys.lastUnixName());
    }

    @Override
    boolean unix() {
        return true;
    }

    @Override
    String target() {
        return remote != null ? remote.toString() : "fd " + fd;
    }

    @Override
    public String toString() {
        return "NativeUnixSocket[" + (fd >= 0 ? "fd " + fd : "closed")
                + (remote != null ? ", peer " + remote : "") + "]";
    }
}
