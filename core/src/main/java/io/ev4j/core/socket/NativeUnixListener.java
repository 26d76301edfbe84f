package io.ev4j.core.socket;

import io.ev4j.core.Loop;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.SockaddrAbi;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;

/// A listening Unix-domain stream socket on a raw fd, for native backends (see
/// [NativeListening]). Closing it removes the socket file it created.
final class NativeUnixListener extends NativeListening implements UnixListener {
    private final UnixAddress local;

    private NativeUnixListener(Syscalls sys, int fd, UnixAddress local, String backendName) {
        super(sys, fd, backendName);
        this.local = local;
    }

    static UnixListener listen(Loop loop, UnixAddress address, int backlog, SocketOptions options)
            throws IOException {
        Syscalls sys = NativeStream.syscalls(loop);
        String target = address.toString();
        int fd = NativeStream.open(sys, SockaddrAbi.AF_UNIX, options, true, target);
        int r = sys.bindUnix(fd, address.bytes(), address.isAbstract());
        if (r < 0) {
            sys.close(fd);
            throw Errno.exception("bind", target, -r);
        }
        NativeUnixListener listener = new NativeUnixListener(sys, fd, address, backendName(loop));
        try {
            listen(sys, fd, backlog, target);
        } catch (IOException e) {
            listener.fd = -1; // closed by listen
            listener.local.removeSocketFile();
            throw e;
        }
        return listener;
    }

    @Override
    public UnixSocket accept() throws IOException {
        int r = acceptFd();
        return r < 0 ? null : new NativeUnixSocket(sys, r, UnixAddress.fromKernel(sys.lastUnixName()), true);
    }

    @Override
    public UnixAddress localAddress() throws IOException {
        ensureOpen();
        return local;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            super.close();
            local.removeSocketFile();
        }
    }

    @Override
    String target() {
        return local.toString();
    }

    @Override
    boolean unix() {
        return true;
    }

    @Override
    public String toString() {
        return "NativeUnixListener[" + (fd >= 0 ? "fd " + fd : "closed") + ", " + local + "]";
    }
}
